"""LiveKit: rooms and tokens for the console's panel, and the agent worker (`agent.py`)."""
