"""Ids and the names people write for them: 淘宝 for the channel `taobao`, 云南普洱茶 for the
product `puer-tea`, 水果 for the category `fruit`.

Data files keep the id; where an editor may type a name instead, `Names.resolve` maps it once,
and where neither is known `Names.hint` offers the closest id or name ("did you mean …").
Names are compared as typed on any keyboard: full-width forms and case do not count.

Example: ``Names("channel", {"taobao": ["淘宝", "天猫"]}).resolve("天猫") == "taobao"``.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping

from harvest.i18n import _, language


def listed(items: Iterable[str]) -> str:
    """Items as a list reads in the reader's language: ``jd, taobao`` (``jd、taobao`` in Chinese)."""
    return _(", ").join(items)


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class Names(Collection[str]):
    """The ids of one kind (`what`: "channel", "product" …), each with the names it goes by.

    As a collection it holds the ids alone, so it stands wherever a set of ids is expected.
    """

    def __init__(self, what: str, names: Mapping[str, Iterable[str]]) -> None:
        self.what = what
        self.ids = frozenset(names)
        self._named: dict[str, set[str]] = {}  # a name's key -> the ids that go by it
        self._first: dict[str, str] = {}  # an id -> the first name it was given (a label)
        self._hints: dict[tuple[str, str], str] = {}  # about 4 ms each among 2,000 names: told once
        for id_, given in sorted(names.items()):
            for name in (id_, *given):
                key = _key(name)
                if key:
                    self._named.setdefault(key, set()).add(id_)
                if key and name != id_:
                    self._first.setdefault(id_, name)

    @classmethod
    def of(cls, what: str, ids: Iterable[str]) -> Names:
        """Ids that go by no other name."""
        return ids if isinstance(ids, Names) else cls(what, {i: () for i in ids})

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def matches(self, text: str) -> list[str]:
        """Every id `text` names: itself, or the ids whose name it is."""
        if text in self.ids:
            return [text]
        return sorted(self._named.get(_key(text), ()))

    def resolve(self, text: str) -> str | None:
        """The id `text` stands for, when it is an id or the name of exactly one."""
        found = self.matches(text)
        return found[0] if len(found) == 1 else None

    def label(self, id_: str, quoted: bool = False) -> str:
        """An id with a name it goes by, as a list or a hint shows it: ``puer-tea (云南普洱茶)``,
        or ``"puer-tea" (云南普洱茶)`` when `quoted`."""
        if id_ not in self._first:
            return _('"{id}"').format(id=id_) if quoted else id_
        if quoted:
            return _('"{id}" ({name})').format(id=id_, name=self._first[id_])
        return _("{id} ({name})").format(id=id_, name=self._first[id_])

    def listing(self) -> str:
        """Every id with a name it goes by, as a message lists them: ``jd (京东), taobao (淘宝)``."""
        return listed(self.label(i) for i in self)

    def hint(self, text: str) -> str:
        """``did you mean "puer-tea" (云南普洱茶)? `` for the id or name closest to `text` (each id
        of a name that several go by); empty when nothing is close."""
        key = (language(), text)
        if key not in self._hints:  # an export repeats one unknown name in every row
            self._hints[key] = self._hint(text)
        return self._hints[key]

    def _hint(self, text: str) -> str:
        found = self.matches(text)
        if not found:
            # 0.5: a two-character name with one character mistyped (淘包 for 淘宝) is close.
            close = difflib.get_close_matches(_key(text), list(self._named), n=1, cutoff=0.5)
            found = sorted(self._named[close[0]]) if close else []
        if not found:
            return ""
        return _("did you mean {choices}? ").format(choices=_(" or ").join(self.label(i, quoted=True) for i in found))
