"""One id check (`models.is_slug`), agreeing with the records' `Slug` field everywhere."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from harvest.load.models import MAX_SLUG, Slug, is_slug

CASES = ["wanrong-apple", "a", "a1-b2", "a" * MAX_SLUG, "a" * (MAX_SLUG + 1), "", "-a", "a-", "a--b", "A",
         "wanrong_apple", "wanrong-apple\n", "苹果", "a b", "a.b", "ａ"]


@pytest.mark.parametrize("text", CASES)
def test_is_slug_agrees_with_the_records_field(text: str) -> None:
    try:
        TypeAdapter(Slug).validate_python(text)
        valid = True
    except ValidationError:
        valid = False
    assert is_slug(text) is valid


def test_what_is_an_id() -> None:
    assert [is_slug(t) for t in ("wanrong-apple", "a" * MAX_SLUG, "a" * (MAX_SLUG + 1), "a--b", "a\n")] == [
        True, True, False, False, False]
