"""What the translated-page tests share: each page answers and says what it should."""

from __future__ import annotations


def assert_pages_say(client, pages: dict, headers: dict, absent=(), lowered=False) -> None:
    """Each of `pages` ({url: [words]}) answers 200 with every one of its words, and none
    of `absent` (compared in lower case when `lowered`)."""
    for url, wanted in pages.items():
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        text = response.content.decode()
        for words in wanted:
            assert words in text, (url, words)
        seen = text.lower() if lowered else text
        for words in absent:
            assert words not in seen, (url, words)
