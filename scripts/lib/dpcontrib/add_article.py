"""`make add-article FILE=<path> [ID=<source_id>]`: put a new article into the package.

It copies the text, unchanged, to articles/<source_id>.txt; lists it in datapackage.json (its
resource with the SHA-256 hash, after the other article texts, and its entry in the top-level
`sources`); and writes its row in data/sources.csv with what it can read from the text: the
headline (its first line), a publication date printed near the top, an author line ("di …"),
the language, the path, the hash and the file's original name. It proposes the source ID from
the date and the headline, and prints what is left to fill. Nothing it writes is typed twice by
the contributor, and nothing is overwritten: an ID or a file already in the package is refused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

from dpmodel import article_text, csvfile, dates, descriptor, limits, safe_open

from . import cells, ids

LANGUAGE = "it"  # every article so far; the row says so, and the contributor corrects it if not
ID_WORDS = 5  # words of the headline in a proposed ID
MAX_ID = 120  # characters in a source ID: articles/<ID>.txt stays a file name every file system takes
STOPWORDS = set(
    "il lo la i gli le un uno una di a da in con su per tra fra e ed o del dello della dei degli delle "
    "al allo alla ai agli alle dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo "
    "sulla sui sugli sulle che non si come the of and to in on a an for "
    "l dell dall nell sull all d c "  # elided forms: dell'esito is "dell" and "esito"
    "date".split()  # a date line's label
)
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("gennaio",),
            ("febbraio",),
            ("marzo",),
            ("aprile",),
            ("maggio",),
            ("giugno",),
            ("luglio",),
            ("agosto",),
            ("settembre",),
            ("ottobre",),
            ("novembre",),
            ("dicembre",),
        ],
        start=1,
    )
    for m in names
}
MAX_HEADLINE = 200  # a first line longer than this is the body: the text prints no headline
HEAD_CHARS = 400  # what of a line is read for a headline, its outlet, a date or a byline: bounds every match
HEAD_LINES = 8  # a date or byline is looked for in the first lines only (the body dates other things)
LICENCE = {
    "name": "other-closed",
    "title": "Copyright remains with the publisher; reproduced for verification only, not covered by the package licence",
}


class Refused(Exception):
    """The article cannot be added as given; the message says why and what to do."""


def _date(line: str) -> str | None:
    """A publication date printed in a line: 2024-04-09, 09.04.2024 or 06.12.23, 9 aprile 2024, or
    'date 2022-04'; reduced ISO 8601, or None."""
    for found in _dates(line):
        try:
            dates.span(found)  # 31.02.2024 is no date: the row asks for one instead
        except dates.NotADate:
            continue
        return found
    return None


def _dates(line: str):
    if m := re.search(r"\b((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?\b", line):
        yield "-".join(g for g in m.groups() if g)
    if m := re.search(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)?\d\d)\b", line):
        day, month, year = (int(g) for g in m.groups())
        year = year + 2000 if year < 100 else year
        yield f"{year:04}-{month:02}-{day:02}"
    words = "|".join(MONTHS)
    if m := re.search(rf"\b(\d{{1,2}})\s+({words})\s+((?:19|20)\d\d)\b", line, re.I):
        yield f"{int(m[3]):04}-{MONTHS[m[2].lower()]:02}-{int(m[1]):02}"


def _source_words(text: str) -> str:
    """A headline's first words for a source ID: no stopwords, no bare numbers."""
    return "-".join([w for w in ids.words(text) if w not in STOPWORDS and not w.isdigit()][:ID_WORDS])


def read_text(file: Path, most: int) -> str:
    """The text of the contributor's file, read as the package reads its own (dpmodel.safe_open: a
    regular file, not through a link, at most `most` bytes, checked before reading) and held to
    the grammar of an article text (dpmodel.article_text)."""
    try:
        data = safe_open.read(file.parent, file.name, most)
    except safe_open.TooLarge as exc:
        raise Refused(
            f"{file}: is {limits.size(exc.size)}; an article text may be at most {limits.size(most)}"
        ) from None
    except safe_open.Refused as exc:
        raise Refused(f"{file}: {exc}") from None
    try:
        return article_text.decode(data)
    except article_text.NotPlain as exc:
        raise Refused(f"{file}: {exc}") from None


def read_head(text: str) -> dict:
    """What the top of the text says: headline, publication date, author."""
    lines = [line.strip() for line in text.split("\n", HEAD_LINES * 4)[: HEAD_LINES * 4] if line.strip()]
    if lines and len(lines[0]) > HEAD_CHARS:  # a paragraph first: no headline, and its words are read no further
        lines[0] = lines[0][:HEAD_CHARS]
    lines = [line[:HEAD_CHARS] for line in lines]
    found = {"title": lines[0] if lines else "", "published_date": None, "author": None, "outlet": None}
    found["first_words"] = found["title"][:MAX_HEADLINE]  # what an ID is made of when there is no headline
    for line in lines[:HEAD_LINES]:
        found["published_date"] = found["published_date"] or _date(line)
        if found["author"] is None and (m := re.match(r"^di\s+(.{3,120})$", line)):
            found["author"] = m[1].strip()
    # A headline that carries its outlet and date after it, "… (Opinione Pubblica 06.12.23)", keeps
    # only the headline; the outlet is what the brackets hold before the date.
    found["outlet"] = None
    if m := re.search(r"\s*\(([^()]*?)\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}\)\s*$", found["title"]):
        found["title"], found["outlet"] = found["title"][: m.start()], m[1].strip() or None
    if len(found["title"]) > MAX_HEADLINE:  # a paragraph, not a headline: the text prints none
        found["title"] = ""
    return found


def propose_id(head: dict) -> str:
    date = head["published_date"] or "undated"
    return "-".join(p for p in (date[:7], _source_words(head["title"] or head["first_words"])) if p) or "article"


def add(package_dir: Path, file: Path, source_id: str | None = None) -> tuple[str, list[str]]:
    """Add the article; the source ID and the list of what is left to fill."""
    descriptor_file = package_dir / "datapackage.json"
    package, problems = descriptor.load(descriptor_file)
    if package is None:
        raise Refused("datapackage.json does not load; run make check first:\n" + "\n".join(map(str, problems)))
    try:
        file.name.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(f"{str(file)!a}: the file's name is not UTF-8; rename it") from None
    text = read_text(file, package.limits.text_bytes)
    head = read_head(text)
    source_id = source_id or propose_id(head)
    sources = next((r for r in package.tables() if r.schema.get("x-texts")), None)
    if sources is None:
        raise Refused("no table of sources (a schema with x-texts) in datapackage.json")
    key, spec = sources.primary_key[0], sources.schema["x-texts"]
    if len(source_id) > MAX_ID or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source_id):
        raise Refused(
            f"ID {source_id[:80]!r}: an ID is lowercase letters and digits joined by single hyphens, "
            f"at most {MAX_ID} characters"
        )
    table, problems = csvfile.read(sources)
    if table is None:
        raise Refused(f"{sources.path} cannot be read; run make check first")
    if any(row[key] == source_id for row in table.rows):
        raise Refused(f"ID {source_id!r} is already in {sources.path}; give another with ID=")
    path = f"articles/{source_id}.txt"
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if same := next((r[key] for r in table.rows if r.get(spec["sha256"]) == digest), None):
        raise Refused(f"{file}: this text is already in the package, as source {same}")

    # The columns the schema marks (label, publication date, language tag, text path and hash);
    # the others by the names sources.json gives them.
    schema = sources.schema
    title = schema.get("x-datasette", {}).get("label_column", "title")
    published = schema.get("x-published-date", "published_date")
    language = next((f["name"] for f in schema["fields"] if f.get("x-codelist") == "bcp47"), "language")
    row = dict.fromkeys(sources.field_names)
    row.update({key: source_id, title: head["title"], spec["path"]: path, spec["sha256"]: digest})
    optional = {
        "author": head["author"],
        "outlet": head["outlet"],
        published: head["published_date"],
        f"{published}_basis": "stated" if head["published_date"] else None,
        language: LANGUAGE,
        "original_filename": file.name,
    }
    row.update({k: v for k, v in optional.items() if k in row})
    # Every cell as make check will hold it: the file's name, or a headline with a control
    # character, is refused here, before anything is written.
    for name, code, message in cells.problems(schema["fields"], row):
        raise Refused(f"{sources.path}, row {source_id}, {name} [{code}]: {message} (read from {file.name!r})")

    raw = json.loads(descriptor_file.read_text(encoding="utf-8"))
    resource = {
        "name": f"article-{source_id}",
        "title": head["title"],
        "description": f"Verbatim text of source {source_id} (received as {file.name}), reproduced so that every "
        "excerpt and quote can be verified.",
        "path": path,
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
        "hash": f"sha256:{digest}",
        "licenses": [LICENCE],
    }
    texts = [i for i, r in enumerate(raw["resources"]) if str(r.get("name", "")).startswith("article-")]
    if not head["title"]:  # no headline printed: the contributor writes the title; none is invented here
        del resource["title"]
    raw["resources"].insert((texts[-1] + 1) if texts else len(raw["resources"]), resource)
    raw.setdefault("sources", []).append({"title": head["title"] or source_id, "path": path})

    # Everything is encoded first, then written all together or not at all (safe_open.write_files):
    # the text as a new file (never through a link, never over a file), the table in canonical
    # order, the descriptor.
    rows = sorted(
        (csvfile.canonical_cells(sources.schema["fields"], r) for r in [*table.rows, row]), key=csvfile.sort_key(table)
    )
    files = [
        (path, data),
        (sources.path, csvfile.render(sources.field_names, rows).encode("utf-8")),
        ("datapackage.json", (json.dumps(raw, indent=2, ensure_ascii=False) + "\n").encode("utf-8")),
    ]
    try:
        safe_open.write_files(package_dir, files, new=frozenset([path]))
    except safe_open.Exists:
        raise Refused(f"{path} already exists; give another ID with ID=") from None
    except safe_open.Refused as exc:
        raise Refused(f"nothing added: {path}, {sources.path} or datapackage.json {exc}") from None

    left = [
        f"{sources.path}, row {source_id}: {name}"
        + (" (not found in the text: required)" if name.startswith(published) else "")
        for name in ("outlet", "author", published, f"{published}_basis", "url")
        if name in row and not row[name]
    ]
    for name in ("published_date", "outlet", "author"):
        if head[name]:
            left.append(f"{sources.path}, row {source_id}: check {name} {head[name]!r} (read from the text)")
    if head["title"]:
        left.append(f"{sources.path}, row {source_id}: check title {head['title']!r} (the text's first line)")
    else:
        left.append(
            f"{sources.path}, row {source_id}: title (the text prints no headline: write a descriptive English "
            "title in square brackets; required)"
        )
    return source_id, left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the article's text, UTF-8, as published")
    parser.add_argument("--id", dest="source_id", help="the source ID (proposed from date and headline if not given)")
    parser.add_argument("--package", type=Path, default=Path("."), help="the package's folder (default: here)")
    args = parser.parse_args(argv)
    try:
        with safe_open.locked(args.package):
            source_id, left = add(args.package, args.file, args.source_id)
    except safe_open.Refused as exc:
        print(f"add-article: the package folder {exc}")
        return 1
    except Refused as exc:
        print(f"add-article: {exc}")
        return 1
    print(f"Added articles/{source_id}.txt, its resource in datapackage.json and its row in data/sources.csv.")
    print("Left to fill:")
    for item in left:
        print(f"  - {item}")
    print(f"Then: make draft SOURCE={source_id}")
    return 0
