# The LiveKit agent worker (agent.py), after LiveKit's Python pip template for agents
# (`lk agent create` writes the same layout). Build and run:
#   docker build -t polyglot-agent .
#   docker run --env-file .env polyglot-agent          # LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, ...
# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.11
FROM python:${PYTHON_VERSION}-slim

# Unbuffered output: a crash still leaves its log lines.
ENV PYTHONUNBUFFERED=1

# The worker runs as an unprivileged user.
ARG UID=10001
RUN adduser --disabled-password --gecos "" --home /home/appuser --shell /sbin/nologin --uid "${UID}" appuser

# Build tools for any wheel without a prebuilt binary; libportaudio2 only for `agent.py console`.
RUN apt-get update && apt-get install -y --no-install-recommends gcc python3-dev libportaudio2 \
    && rm -rf /var/lib/apt/lists/*

USER appuser
RUN mkdir -p /home/appuser/.cache
WORKDIR /home/appuser

COPY --chown=appuser requirements.txt .
RUN python -m pip install --user --no-cache-dir -r requirements.txt

COPY --chown=appuser . .

# Plugins fetch their model files at build time (Silero's ships in its wheel); this also validates configs/.
RUN python agent.py download-files

# The worker's health check (GET / -> "OK") in production mode.
EXPOSE 8081

CMD ["python", "agent.py", "start"]
