"""Read a report the way a browser would: its elements, attributes, text and embedded pictures."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np

#: Attributes that make a browser fetch something.
FETCHING_ATTRIBUTES = ("src", "href", "srcset", "poster", "data", "action", "background")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[str]
    text: str = ""


class Page(HTMLParser):
    """A parsed report. ``elements`` in document order; ``text`` is all visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.styles: list[str] = []
        self._open: list[Element] = []
        self._texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, [e.tag for e in self._open])
        self.elements.append(element)
        if tag not in ("img", "meta", "br", "hr", "input", "link", "source"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1].tag == "style":
            self.styles.append(data)
            return
        for element in self._open:
            element.text += data
        self._texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._texts).split())

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def part(self, name: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("data-part") == name]
        assert found, f"no section data-part={name!r}"
        return found[0]

    def parts(self, name: str) -> list[Element]:
        return [e for e in self.elements if e.attrs.get("data-part") == name]

    def fetched_urls(self) -> list[str]:
        """Every URL an element or the styles would make a browser fetch."""
        urls = [
            e.attrs[a]
            for e in self.elements
            for a in FETCHING_ATTRIBUTES
            if a in e.attrs and not (e.tag == "a" and e.attrs[a].startswith("#"))
        ]
        for css in self.styles:
            urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
            urls += re.findall(r"@import\s+['\"]([^'\"]+)", css)
        return urls


def read_page(path: str | Path) -> Page:
    page = Page()
    page.feed(Path(path).read_text(encoding="utf-8"))
    page.close()
    return page


def decode_data_uri(uri: str) -> tuple[str, np.ndarray]:
    """The MIME type and the decoded image (BGR) of a ``data:image/...;base64,`` URI."""
    match = re.fullmatch(r"data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)", uri)
    assert match, f"not a base64 image data URI: {uri[:60]}"
    data = base64.b64decode(match.group(2), validate=True)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, f"{match.group(1)} data does not decode"
    return match.group(1), image
