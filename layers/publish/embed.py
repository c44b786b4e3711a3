"""The iframe snippet that embeds a published map in an investor portal."""

from __future__ import annotations

import re

from layers.page.app import i18n, page_text
from layers.page.escape import escape_text, script_json

__all__ = ["embed_snippet", "SANDBOX", "ALLOW"]

#: Sandbox of the frame: scripts run, links may open new tabs; no allow-same-origin, so the map has an
#: opaque origin and cannot reach the portal's cookies, storage or DOM.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"
#: Permissions the frame is given: writing (never reading) the clipboard, for the cards' "copy link".
ALLOW = "clipboard-write"
_URL = re.compile(r"^(https?://[^\s<>\"'`]+|[^\s<>\"'`:]+)$", re.IGNORECASE | re.ASCII)
_BASE = re.compile(r"^https?://[^\s<>\"'`#]+$", re.IGNORECASE | re.ASCII)
_ASPECT = re.compile(r"^\d{1,4}(\.\d+)?/\d{1,4}(\.\d+)?$")


#: The host side of ``share_base``: once the map says it is ready, tell it the portal's address for its links, and
#: hand it the state of the link the portal was opened with (the portal's own ``#lang=...``).
_SHARE_SCRIPT = """<script>
(function () {{
  var frame = document.currentScript.previousElementSibling.querySelector("iframe");
  window.addEventListener("message", function (event) {{
    if (event.source !== frame.contentWindow || !event.data || event.data.event !== "ready") {{ return; }}
    var send = function (command, args) {{
      frame.contentWindow.postMessage({{type: "kunshan-heatmap", command: command, args: args}}, "*");
    }};
    send("setShareBase", [{base}]);
    if (/^#lang=/.test(location.hash)) {{ send("openLink", [location.hash]); }}
  }});
}})();
</script>"""


def embed_snippet(url: str, *, title: str | None = None, aspect: str = "4/3",
                  language: str | None = None, share_base: str | None = None) -> str:
    """A responsive iframe for the map at ``url`` (an http(s) URL or a relative path), sandboxed.

    ``title`` (for screen readers) defaults to the page's own title in ``language`` (the registry's default
    language when None). ``share_base``: the portal page's own http(s) address; the snippet then carries a small
    script that makes the map's "copy link" copy ``share_base#lang=...&park=...`` and, when the portal is opened
    with such a link, shows that state in the map.

    >>> print(embed_snippet("https://maps.example.org/kunshan.html", language="en").splitlines()[1].strip())
    <iframe src="https://maps.example.org/kunshan.html#lang=en" title="Kunshan specialised innovation parks"
    """
    if not _URL.match(url or ""):
        raise ValueError(f"url={url!r} must be an http(s) URL or a relative path")
    if not _ASPECT.match(aspect):
        raise ValueError(f"aspect={aspect!r} must look like 4/3 or 16/9")
    if title is None:
        title = page_text("title", language or i18n()["default"])
    if language is not None and "#" not in url:
        url = f"{url}#lang={language}"
    if share_base is not None and not _BASE.match(share_base):
        raise ValueError(f"share_base={share_base!r} must be an http(s) URL without #")
    frame = (f'<div class="kunshan-heatmap" style="position:relative;width:100%;aspect-ratio:{aspect}">\n'
             f'  <iframe src="{escape_text(url)}" title="{escape_text(title)}"\n'
             f'          sandbox="{SANDBOX}" allow="{ALLOW}" referrerpolicy="no-referrer" loading="lazy"\n'
             f'          style="position:absolute;inset:0;width:100%;height:100%;border:0"></iframe>\n'
             f'</div>')
    return frame if share_base is None else frame + "\n" + _SHARE_SCRIPT.format(base=script_json(share_base))
