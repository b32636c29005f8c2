"""Full-text search over articles: SQLite FTS5 or PostgreSQL full text, behind one face.

The index (``kb_search``, made by migration 0014) holds per article its title, body text
and tags, folded in Python (lower case, accents removed: "Café" and "cafe", "ПОШТА" and
"пошта" are the same word) so both databases see the same words. The query is split into
words the way the ticket search splits it (app.tickets.search.terms): whatever a person
types — quotes, ``*``, ``NEAR``, brackets — becomes plain quoted words, so no input is an
FTS syntax error. The last word (every word, for suggestions) matches as a prefix, for
search as you type. Ranking: bm25 on SQLite, ts_rank on PostgreSQL, the title weighing most;
on PostgreSQL the index also keeps each article's head (title, tags, the body's first words:
migration 0027), a small vector to rank from when the words are in it (see ``ranked``).
Snippets are cut and highlighted here, the same on both databases.

Who may see which article is not decided here: callers pass a SELECT already scoped by
kb/queries.py and get it back joined to the index and ordered by rank."""
import re
import unicodedata

import sqlalchemy as sa
from markupsafe import Markup, escape

from app.extensions import db
from app.tickets.content import to_text
from app.tickets.search import terms

TABLE = "kb_search"
WINDOW = 400  # the best matches ranked by the index before the reader's scope is applied
HEAD_WORDS = 60  # PostgreSQL: the head is the title, tags and the body's first 60 words (migration 0027)
# The parts of the index a search can be limited to, smallest first. PostgreSQL: "titles" the title and
# tags (a GIN index on ts_filter, migration 0022), "head" those and the body's first words (the column
# kb_search.head, generated from doc, migration 0027). SQLite: FTS5's column filter on title and tags for
# both — it ranks every match of the whole text fast enough that the body's opening needs no index.
PARTS = {"postgresql": {"titles": "ts_filter(doc, '{a,b}')", "head": "head", "all": "doc"},
         "sqlite": {"titles": "{title tags}", "head": "{title tags}", "all": ""}}


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class _FoldTable(dict):
    """str.translate's table, filled as characters are met: each non-ASCII one decomposed once."""

    def __missing__(self, code: int) -> str:
        self[code] = fold_char(chr(code))
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents ("Ünïcödé" → "unicode"; "Й" → "и", on both sides alike)."""
    text = (text or "").lower()
    return text if text.isascii() else text.translate(_FOLD)


# Words too common to find anything by, in the languages we ship (folded, as the index holds them).
_COMMON = """
a an and are as at be but by for from has have i in is it its of on or our so that the this to was we were
with you your my me not no do does did can will just since when what which there here all any
і й та а але в у на з із до по за від що це як не ні чи ми ви я він вона вони наш наша наші мій моя
"""
STOP_WORDS = frozenset(fold(word) for word in _COMMON.split())


def words(query: str, limit: int = 8, drop_common: bool = False) -> list[str]:
    """The query's words, folded, without repeats, at most ``limit``. ``drop_common``: without the
    stop words (and one-letter words), unless nothing else is left."""
    found = []
    for _token, parts in terms(query, limit=limit * 4):
        for part in parts:
            word = fold(part)
            if word and word not in found:
                found.append(word)
    if drop_common:
        found = [w for w in found if w not in STOP_WORDS and len(w) > 1] or found
    return found[:limit]


def document(article) -> dict:
    return {"id": article.id, "title": fold(article.title), "body": fold(to_text(article.body_html)),
            "tags": fold(" ".join(article.tags or []))}


def reindex(*articles) -> None:
    rows = [document(a) for a in articles if a is not None and a.id is not None]
    if not rows:
        return
    if _dialect() == "postgresql":
        db.session.execute(sa.text(
            f"INSERT INTO {TABLE} (article_id, doc) VALUES "
            "(:id, setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :tags), 'B') "
            "|| setweight(to_tsvector('simple', :body), 'C')) "
            "ON CONFLICT (article_id) DO UPDATE SET doc = EXCLUDED.doc"), rows)
    else:
        db.session.execute(sa.text(f"DELETE FROM {TABLE} WHERE rowid = :id"), rows)
        db.session.execute(sa.text(f"INSERT INTO {TABLE} (rowid, title, body, tags) VALUES (:id, :title, :body, :tags)"),
                           rows)


def _prefixed(found: list[str], every: bool) -> list[tuple[str, bool]]:
    return [(word, (every and len(word) >= 3) or index == len(found) - 1)
            for index, word in enumerate(found)]


def _sqlite_match(found, any_word: bool, columns: str = "") -> str:
    parts = [f'"{word}"' + ("*" if prefix else "") for word, prefix in _prefixed(found, any_word)]
    match = (" OR " if any_word else " ").join(parts)
    return f"{columns}: ({match})" if columns else match


def _postgres_query(found, any_word: bool) -> str:
    parts = [word + (":*" if prefix else "") for word, prefix in _prefixed(found, any_word)]
    return (" | " if any_word else " & ").join(parts)


def parts(*wanted: str) -> list[str]:
    """The parts of the index to ask in turn, as this database has them: on SQLite "head" is
    the title and tags, so asking both asks one."""
    columns = PARTS[_dialect()]
    out = []
    for part in wanted:
        if columns[part] not in (columns[p] for p in out):
            out.append(part)
    return out


def ranked(stmt: sa.Select, article_id, query: str, *, any_word: bool = False, limit_words: int = 8,
           window: int = WINDOW, part: str = "all"):
    """``stmt`` (over articles, already scoped) joined to the best ``window`` articles matching
    the query, best first; None when the query holds no word. ``any_word``: an article matching
    some of the words is found too (suggestions), ranked below those matching more. ``part``:
    only articles whose title and tags ("titles") or head ("head": those and the body's first
    words, on PostgreSQL) hold the words — far fewer to rank when the words are common; callers
    ask the small parts first and the whole text ("all") when those do not fill their page.

    Ranking: bm25 over the whole article on SQLite (title 10, body 1, tags 4). On PostgreSQL
    ts_rank (title A, tags B, body C): of the head when only the head or the titles are asked
    — a small vector stored beside the row, where the whole text would be read and unpacked
    from TOAST for every match — and of the whole text when all of it is.

    Only the index's best ``window`` matches are joined to the articles and filtered by the
    reader's scope: a query matching tens of thousands of articles costs a top-N in the index,
    not a join of them all. A reader who may see few of the best may get fewer results than
    exist; nobody pages that deep into a ranked list."""
    found = words(query, limit_words, drop_common=any_word)
    if len(found) > 1 and len(found[-1]) < 2:
        found.pop()  # one letter typed of the next word ("пам'я" → "пам" "я"*): a prefix of one letter matches
        #              nearly every article and has no prefix index; wait for the second letter
    if not found:
        return None
    columns = PARTS[_dialect()][part]
    if _dialect() == "postgresql":
        vector = "doc" if part == "all" else "head"
        candidates = sa.text(
            f"SELECT article_id AS id, ts_rank({vector}, q) AS score FROM {TABLE}, to_tsquery('simple', :kbq) AS q "
            f"WHERE {columns} @@ q ORDER BY score DESC LIMIT :kbn").bindparams(
            kbq=_postgres_query(found, any_word), kbn=window)
        best = candidates.columns(sa.column("id", sa.Integer), sa.column("score", sa.Float)).subquery("kb_best")
        return stmt.join(best, best.c.id == article_id).order_by(best.c.score.desc(), article_id.desc())
    candidates = sa.text(
        f"SELECT rowid AS id, bm25({TABLE}, 10.0, 1.0, 4.0) AS score FROM {TABLE} WHERE {TABLE} MATCH :kbq "
        "ORDER BY score LIMIT :kbn").bindparams(kbq=_sqlite_match(found, any_word, columns), kbn=window)
    best = candidates.columns(sa.column("id", sa.Integer), sa.column("score", sa.Float)).subquery("kb_best")
    return stmt.join(best, best.c.id == article_id).order_by(best.c.score, article_id.desc())


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    folded, where = [], []
    for position, ch in enumerate(text):
        for c in fold_char(ch):
            folded.append(c)
            where.append(position)
    return "".join(folded), where


class Highlighter:
    """Snippets for one query: its words and pattern found once, for every article of a page."""

    def __init__(self, query: str):
        found = words(query, 12, drop_common=True)
        self.pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(found, key=len, reverse=True))
                                  + r")\w*") if found else None

    def __call__(self, text: str, length: int = 200) -> Markup:
        """A piece of ``text`` around the first word of the query found in it, each found word
        (or word beginning) wrapped in <mark>; everything else escaped."""
        text = " ".join((text or "").split())
        matches, where = iter(()), None
        first = None
        if self.pattern is not None:
            folded = fold(text)
            if len(folded) != len(text):  # rare: a character folding to several (ß → ss, ǆ → dz)
                folded, where = _folded_with_positions(text)
            first = self.pattern.search(folded)
            if first is not None:
                matches = self.pattern.finditer(folded, first.start())
        start = 0
        if first is not None:
            first_start = where[first.start()] if where else first.start()
            if first_start > length // 3:
                start = text.rfind(" ", 0, first_start - length // 3) + 1
        end = min(len(text), start + length)
        if end < len(text):
            end = max(text.rfind(" ", start, end), start + length // 2)
        pieces, cursor = [], start
        for match in matches:  # in order: only those inside the piece shown
            s, e = (where[match.start()], where[match.end() - 1] + 1) if where else match.span()
            if s >= end:
                break
            if s < cursor or e > end:
                continue
            pieces.append(escape(text[cursor:s]))
            pieces.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
            cursor = e
        pieces.append(escape(text[cursor:end]))
        out = Markup("").join(pieces)
        return (Markup("…") if start > 0 else Markup("")) + out + (Markup("…") if end < len(text) else Markup(""))


def snippet(text: str, query: str, length: int = 200) -> Markup:
    """A piece of ``text`` around the first word of the query found in it, each found word
    (or word beginning) wrapped in <mark>; everything else escaped (see Highlighter)."""
    return Highlighter(query)(text, length)
