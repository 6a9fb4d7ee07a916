"""Plots shared by the tabs (matplotlib, imported on first use so the app starts without it)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STATUS_COLOURS = {"ok": "#16a34a", "timeout": "#ea580c", "rate_limited": "#d97706", "server_error": "#dc2626",
                  "malformed": "#9333ea", "empty": "#2563eb", "refused": "#7f1d1d", "cancelled": "#9ca3af",
                  "skipped": "#d1d5db"}

def waterfall_figure(rows: list[list], answered_at: float | None, title: str = "", *,
                     xlabel: str = "ms since the search began", marker: str = "answer at",
                     missing: str = "no tier answered") -> Figure:
    """Horizontal bars from started_ms to started_ms + latency_ms per tier, coloured by status.

    `rows` are `attempt_rows` (provider, status, latency_ms, started_ms, error); a dashed line
    marks `answered_at` (ms), when the answering tier answered.
    """
    from matplotlib.figure import Figure  # deferred: the app starts (and shows the table) without it

    figure = Figure(figsize=(10, 1.4 + 0.5 * max(len(rows), 1)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    ends = [row[3] + row[2] for row in rows] + [answered_at or 0.0]
    span = max(max(ends, default=0.0), 1.0)
    for index, (provider, status, latency, started, _error) in enumerate(rows):
        colour = STATUS_COLOURS.get(status, "#6b7280")
        width = max(latency, span * 0.004)
        axes.barh(index, width, left=started, height=0.55, color=colour, edgecolor="#37415188")
        label = status if status == "skipped" else f"{status} · {latency:.0f} ms"
        axes.text(started + width + span * 0.01, index, label, va="center", fontsize=9, color="#111827")
    axes.set_yticks(range(len(rows)), [row[0] for row in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, span * 1.3)
    axes.set_xlabel(xlabel)
    if answered_at is not None:
        axes.axvline(answered_at, color="#111827", linestyle="--", linewidth=1.2)
        axes.text(answered_at, 1.0, f" {marker} {answered_at:.0f} ms", fontsize=9, va="bottom",
                  transform=axes.get_xaxis_transform())
    else:
        axes.set_title(missing, color="#b91c1c", fontsize=10, loc="right")
    if title:
        axes.set_title(title, fontsize=10, loc="left")
    axes.grid(axis="x", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


QA_COLOURS = {"pass": "#16a34a", "fail": "#dc2626", "skipped": "#d1d5db"}


def qa_heatmap_figure(results, checks: tuple[str, ...], titles: dict[str, str]) -> Figure:
    """Languages (rows) x checks (columns), each cell coloured pass / fail / skipped."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    order = list(QA_COLOURS)
    grid = [[order.index(result.checks[name].status.value) for name in checks] for result in results]
    figure = Figure(figsize=(8, 1.6 + 0.24 * max(len(results), 1)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    if grid:
        axes.imshow(grid, cmap=ListedColormap(list(QA_COLOURS.values())), vmin=0, vmax=len(order) - 1, aspect="auto")
    axes.set_xticks(range(len(checks)), [titles[name] for name in checks], rotation=30, ha="left", fontsize=9)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(results)), [f"{r.code} {r.name}" for r in results], fontsize=8)
    axes.set_xticks([x - 0.5 for x in range(1, len(checks))], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, len(results))], minor=True)
    axes.grid(which="minor", color="white", linewidth=1.5)
    axes.tick_params(which="minor", length=0)
    figure.legend(handles=[Patch(color=colour, label=label) for label, colour in QA_COLOURS.items()],
                  loc="outside lower center", ncols=3, frameon=False, fontsize=9)
    return figure
