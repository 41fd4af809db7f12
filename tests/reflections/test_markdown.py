from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from communities.access import community_for
from reflections.markdown import excerpt, render_markdown
from reflections.panels import community_panel
from tests.factories import ReflectionFactory

# Known payloads from the OWASP XSS filter evasion cheat sheet and Markdown-specific ones.
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<svg onload="alert(1)">',
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](http://example.org/a.png)',
    '[x](http://example.org" onmouseover="alert(1))',
    "<a href=\"http://example.org\" onclick='alert(1)'>x</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<object data=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "`<script>alert(1)</script>`",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "[x](  javascript:alert(1))",
    "<javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
]

DANGEROUS = re.compile(
    r"<(script|img|svg|iframe|object|embed|style|input|form|meta|details|body|math|div)\b"
    r"|<[^<>]*(\son\w+\s*=|(href|src|action)\s*=\s*[\"']?\s*(javascript|vbscript|data):)",
    re.IGNORECASE,
)


# On whole pages (which have their own legitimate <div>, <form>…): no tag may carry a
# payload, an event handler or a script URL.
PAGE_DANGEROUS = re.compile(
    r"<[^<>]*(alert\(|\son\w+\s*=|javascript:|vbscript:|data:text)|<script>", re.IGNORECASE
)


def assert_safe(html: str, pattern=DANGEROUS) -> None:
    match = pattern.search(html)
    assert match is None, f"unsafe markup {match.group(0)!r} in {html!r}"


def test_xss_corpus_is_big_enough():
    assert len(XSS_CORPUS) >= 20


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_render_markdown_neutralises_payload(payload):
    assert_safe(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_excerpt_has_no_markup_left(payload):
    # The excerpt is plain text that templates escape: no tag may survive into it as markup.
    short = excerpt(f"Intro **bold** {payload}")
    assert "<b>" not in short and "<strong>" not in short


def test_render_markdown_keeps_formatting_and_marks_links_nofollow():
    html = render_markdown("**bold** and [a link](https://example.org)")

    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">a link</a>' in html


def test_render_markdown_shows_raw_html_as_text():
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_pages_showing_a_body_stay_safe(client, cast, payload):
    body = f"Before {payload} after"
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, body=body, title=f"T {payload}"[:200]
    )
    client.force_login(cast.member)
    slug = cast.community.slug

    detail = client.get(reflection.get_absolute_url()).content.decode()
    listing = client.get(reverse("reflections:list", args=[slug])).content.decode()
    preview = client.post(reverse("reflections:preview", args=[slug]), {"body": body})
    assert payload.split("(")[0][:12] in listing or "Before" in listing
    for html in (_main(detail), _main(listing), preview.content.decode()):
        assert_safe(html, PAGE_DANGEROUS)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_CORPUS[:8])
def test_community_panel_excerpts_stay_safe(rf, cast, payload):
    from django.template.loader import render_to_string

    ReflectionFactory(community=cast.community, author=cast.author, body=payload)
    request = rf.get("/")
    request.user = cast.member
    panel = community_panel(request, community_for(cast.member, cast.community.slug))

    html = render_to_string(panel.template, {"panel": panel.context}, request=request)

    assert_safe(html, PAGE_DANGEROUS)


def _main(html: str) -> str:
    """The page's main content: our own layout carries legitimate <script src> tags."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


FRAGMENTS = [
    "<", ">", "script", "img", "src=", "onerror=", "javascript:", "data:", "[", "]", "(", ")",
    "!", '"', "'", "&#", "x", " ", "\n", "`", "*", "alert(1)", "<a href=", "svg", "/",
]  # fmt: skip


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_render_markdown_is_safe_for_any_mix_of_payload_fragments(text):
    assert_safe(render_markdown(text))


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_digest_excerpts_stay_safe_in_the_email_and_its_preview(client, cast, payload):
    from accounts.digest import digest_preview

    ReflectionFactory(
        community=cast.community,
        author=cast.author,
        title=f"T {payload}"[:200],
        body=f"Before {payload} after",
    )
    client.force_login(cast.member)

    page = client.get(reverse("digest_preview")).content.decode()
    framed = client.get(reverse("digest_preview_email")).content.decode()
    email = digest_preview(cast.member)["body_html"]

    assert "Before" in framed  # the excerpt is there, as text
    for html in (_main(page), framed, email):
        assert_safe(html, PAGE_DANGEROUS)
