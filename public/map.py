"""The map page's shapes: the member states' outlines from ``public/data/celac-map.json``
(built once by ``tools/build_map.mjs`` from Natural Earth's 1:50m countries, committed), each
with the state's own overall figure, the one its page leads with.

The file is read once per process; the page reads nothing else but the kept plan and figures.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext

from .formatting import link, pct

MAP_FILE = Path(__file__).resolve().parent / "data" / "celac-map.json"
# The radius of the marker that keeps a small island state visible, in map units.
MARKER_RADIUS = 7


@functools.cache
def geometry():
    with MAP_FILE.open(encoding="utf-8") as file:
        return json.load(file)


@dataclass(frozen=True, slots=True)
class Shape:
    state: object
    href: str
    d: str
    cx: float
    cy: float
    small: bool
    figure: object
    value: str
    title: str


def shapes(plan, rollup):
    """A ``Shape`` per member state that the map file draws, in the plan's order (by name),
    and the states it does not draw (none, while the file matches the fixture)."""
    drawn = geometry()["states"]
    of_reported = gettext("%(reported)s of %(total)s top-level commitments reported")
    found, missing = [], []
    for state in plan.states:
        outline = drawn.get(state.iso_code)
        if outline is None:
            missing.append(state)
            continue
        fig = rollup.state_overall(state.id)
        value = pct(fig.percent)
        coverage = of_reported % {"reported": fig.parts_reported, "total": fig.parts_total}
        found.append(
            Shape(
                state,
                link(state),
                outline["d"],
                outline["cx"],
                outline["cy"],
                outline["small"],
                fig,
                value,
                f"{state.local_name}: {value} — {coverage}",
            )
        )
    return found, missing
