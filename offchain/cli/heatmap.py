"""Heatmap of an account's risk vectors (``gridmargin scenarios --plot``); needs matplotlib.

One panel per underlying held: rows are spot shocks (up at the top), columns the vol shocks of the
standard scenarios plus a column for the extended scenarios (unshocked vol, P&L weighted by the
dampener). Red is a loss, blue a gain, white zero; the binding (worst) scenario is boxed. Values are
converted to floats for drawing only; the exact numbers are in the table and the JSON output.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from offchain.formats.numbers import amount_text, percent_text
from offchain.formats.portfolio import PortfolioDocument
from offchain.formats.report import scenarios
from offchain.twins.types import MarginResult

COLUMNS = ("vol down", "vol none", "vol up", "extended\n(weighted)")


def compact(value: float) -> str:
    """-2834.39 -> "-2.83k"; three significant figures with k/M/B suffixes."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:.3g}{suffix}"
    if magnitude < 0.005:
        return "0" if value == 0 else "~0"
    return f"{value:.3g}"


def plot_file(path: str | Path) -> Path:
    """The file a heatmap for ``path`` goes to: ``path`` when its extension names a format matplotlib
    writes (png, pdf, svg, ...), ``path`` plus ".png" when it has none (matplotlib's convention);
    ValueError naming the supported formats otherwise, ImportError without matplotlib."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    path = Path(path)
    if not path.suffix:
        return path.with_name(f"{path.name}.png")
    supported = sorted(FigureCanvasAgg.get_supported_filetypes())
    if path.suffix[1:].lower() not in supported:
        raise ValueError(f"cannot write a {path.suffix!r} file; supported formats: {', '.join(supported)}")
    return path


def plot_risk(doc: PortfolioDocument, result: MarginResult, path: str | Path, title: str | None = None) -> Path:
    """Write the heatmap to :func:`plot_file` of ``path`` (the extension names the format); returns that file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Rectangle

    details = result.underlyings
    panels = max(1, len(details))
    rows_per = []
    for detail in details:
        grid = doc.params.grids[detail.underlying]
        rows_per.append(sorted(set(grid.spot_shocks) | set(grid.extended_shocks), reverse=True))
    height = max([len(r) for r in rows_per] + [4])
    fig, axes = plt.subplots(1, panels, figsize=(5.6 * panels, 0.42 * height + 2.4), squeeze=False)
    status = "LIQUIDATABLE" if result.liquidatable else "not liquidatable"
    summary = (
        f"equity {compact(result.equity / 1e18)}, IM {compact(result.initial_margin / 1e18)}, "
        f"MM {compact(result.maintenance_margin / 1e18)}: {status}"
    )
    heading = textwrap.fill(title, width=int(9 * 5.6 * panels)) + "\n" if title else ""
    fig.suptitle(heading + summary, fontsize=11, fontweight="bold", color="#b00000" if result.liquidatable else "black")
    if not details:
        axes[0][0].axis("off")
        axes[0][0].text(0.5, 0.5, "no positions: no scenario P&L", ha="center", va="center")
    for ax, detail, rows in zip(axes[0], details, rows_per):
        grid = doc.params.grids[detail.underlying]
        values = np.full((len(rows), len(COLUMNS)), np.nan)
        worst_cell = None
        for scenario in scenarios(grid):
            r = rows.index(scenario.spot_shock)
            c = 3 if scenario.extended else ("down", "none", "up").index(scenario.vol_shock)
            values[r, c] = detail.pnl[scenario.index] / 1e18
            if scenario.index == detail.worst_scenario:
                worst_cell = (r, c)
        limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
        limit = limit or 1.0
        cmap = plt.get_cmap("RdBu").with_extremes(bad="#e6e6e6")
        image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=TwoSlopeNorm(0.0, -limit, limit), aspect="auto")
        for r in range(len(rows)):
            for c in range(len(COLUMNS)):
                v = values[r, c]
                if np.isnan(v):
                    continue
                dark = abs(v) > 0.6 * limit
                ax.text(c, r, compact(v), ha="center", va="center", fontsize=8, color="white" if dark else "black")
        if worst_cell is not None and detail.pnl[detail.worst_scenario] < 0:
            r, c = worst_cell
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2.5))
            ax.annotate(
                "worst",
                xy=(c + 0.5, r),
                xytext=(6, 0),
                textcoords="offset points",
                xycoords="data",
                va="center",
                fontsize=8,
                fontweight="bold",
                annotation_clip=False,
            )
        ax.set_xticks(range(len(COLUMNS)), COLUMNS, fontsize=8)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(rows)), [percent_text(s) for s in rows], fontsize=8)
        ax.set_ylabel("spot shock")
        ax.axvline(2.5, color="black", linewidth=1)
        worst = scenarios(grid)[detail.worst_scenario]
        ax.set_title(
            f"{doc.symbol(detail.underlying)}: loss {compact(detail.loss / 1e18)}, "
            f"IM {compact(detail.initial_margin / 1e18)}\n"
            f"worst #{worst.index}: {worst.label.replace(f', weight {amount_text(worst.weight)}', '')}",
            fontsize=10,
            pad=28,
        )
        colorbar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.12)
        colorbar.set_label("scenario P&L (cash)", fontsize=8)
        colorbar.ax.tick_params(labelsize=7)
    fig.tight_layout()
    target = plot_file(path)
    fig.savefig(target, dpi=130, format=target.suffix[1:].lower())
    plt.close(fig)
    return target
