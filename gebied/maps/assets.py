"""Self-contained map pages: folium-offline with only the assets the maps use.

Plain folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so without network
its page is blank. ``folium-offline`` (import name ``offlinefolium``) is folium 0.20 with every
web resource embedded: each ``<script src>``/``<link href>`` becomes an inline ``<script>`` or
``<style>``. Its default map still inlines Bootstrap, jQuery and Font Awesome (about 1.3 MB we
never use), so :class:`LeanMap` keeps only Leaflet itself. Our own JavaScript (points on a
canvas, the time slider, search, legend) lives in ``maps/static`` and is inlined as well.
"""

from __future__ import annotations

import json
import re
from importlib import resources

import offlinefolium as folium
from branca.element import Element, MacroElement
from offlinefolium.template import Template

LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")


class LeanMap(folium.Map):
    """A folium-offline map that inlines Leaflet only (no jQuery, Bootstrap, Font Awesome)."""

    default_js = [LEAFLET_JS]
    default_css = [LEAFLET_CSS]


#: Base layers: PDOK BRT-Achtergrondkaart (WMTS, EPSG:3857) and OpenStreetMap.
PDOK_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{laag}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"
PDOK_ATTR = 'Kaartgegevens &copy; <a href="https://www.kadaster.nl">Kadaster</a> (BRT-Achtergrondkaart, PDOK)'
BASE_LAYERS = (
    ("BRT-Achtergrondkaart", PDOK_URL.format(laag="standaard"), PDOK_ATTR),
    ("BRT-Achtergrondkaart grijs", PDOK_URL.format(laag="grijs"), PDOK_ATTR),
    ("BRT-Achtergrondkaart water", PDOK_URL.format(laag="water"), PDOK_ATTR),
    (
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers',
    ),
)


def add_base_layers(fmap: folium.Map, *, first: int = 1) -> None:
    """Add the PDOK and OSM base layers; ``first`` is the one shown on opening (grey)."""
    order = [first] + [i for i in range(len(BASE_LAYERS)) if i != first]
    for i in order:
        name, url, attr = BASE_LAYERS[i]
        folium.TileLayer(url, name=name, attr=attr, max_zoom=19, show=i == first).add_to(fmap)


def static_text(name: str) -> str:
    """Text of a file in ``maps/static``."""
    return resources.files("gebied.maps").joinpath("static", name).read_text(encoding="utf-8")


def inline_static(fmap: folium.Map) -> None:
    """Inline our JavaScript library and stylesheet into the page header once."""
    figure = fmap.get_root()
    figure.header.add_child(Element("<style>" + static_text("gebiedkaart.css") + "</style>"), name="gk_css")
    figure.header.add_child(Element("<script>" + static_text("gebiedkaart.js") + "</script>"), name="gk_js")


def to_js(value: object) -> str:
    """JSON for embedding in a ``<script>``: compact and safe against ``</script>``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # no "<" at all: neither "</script>" nor "<!--" can end or derail the script block
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class JsLayer(folium.map.Layer):
    """A layer made by a ``GK.*`` function of gebiedkaart.js from a JSON payload.

    It is a folium ``Layer``, so ``LayerControl`` lists it like any other overlay.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = GK.{{ this.factory }}({{ this._parent.get_name() }}, {{ this.payload }});
            {%- if this.show %}
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, payload: object, *, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "JsLayer"
        self.factory = factory
        self.payload = to_js(payload)


class JsControl(MacroElement):
    """A control or page part made by a ``GK.*`` function (slider, search, legend, title)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            GK.{{ this.factory }}({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, payload: object) -> None:
        super().__init__()
        self._name = "JsControl"
        self.factory = factory
        self.payload = to_js(payload)


_EXTERNAL = re.compile(
    r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^\"'\s>]+"
    r"|<link[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^\"'\s>]+"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def external_references(html: str) -> list[str]:
    """Scripts, stylesheets and CSS imports the page would fetch from the network."""
    return [m.group(0) for m in _EXTERNAL.finditer(html)]
