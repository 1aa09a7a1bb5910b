"""Server-rendered pages: ``string.Template`` files with every value HTML-escaped."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from string import Template
from urllib.parse import urlencode

from starlette.responses import Response

TEMPLATES = Path(__file__).parent / "templates"

# Sent with every page and every redirect of the login and consent flow.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # No form-action: the consent form's answer redirects to the integration's own site.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
                               "base-uri 'none'",
}


class Markup(str):
    """HTML built here from escaped parts; inserted into a template as is."""


def escape(value: object) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value), quote=True)


@lru_cache(maxsize=16)
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def render(name: str, **values: object) -> Markup:
    return Markup(_template(name).substitute({key: escape(value) for key, value in values.items()}))


def hidden_fields(fields: dict[str, str]) -> Markup:
    return Markup("\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">' for name, value in fields.items()
    ))


def language_links(path: str, params: dict[str, str], current: str) -> Markup:
    """Links to the same page in the other languages."""
    names = {"en": "English", "es": "Español"}
    links = []
    for code, label in names.items():
        if code == current:
            continue
        query = urlencode({**{k: v for k, v in params.items() if v and k != "lang"}, "lang": code})
        links.append(f'<a href="{escape(path + "?" + query)}" hreflang="{code}" lang="{code}">{escape(label)}</a>')
    return Markup(f'<p class="langs">{"".join(links)}</p>')


class HtmlPage(Response):
    media_type = "text/html"
    charset = "utf-8"


def page(lang: str, title: str, content: Markup, *, status_code: int = 200) -> Response:
    body = render("base.html", lang=lang, title=title, content=content)
    response = HtmlPage(body, status_code=status_code, headers=PAGE_HEADERS)
    return response


def redirect(location: str) -> Response:
    """303 See Other: the browser follows with a GET whatever method led here."""
    return Response(status_code=303, headers={**PAGE_HEADERS, "Location": location})
