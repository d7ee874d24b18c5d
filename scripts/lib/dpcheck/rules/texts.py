"""x-texts: the table of sources names each article's text (its `path` field) and the text's
SHA-256 (its `sha256` field). Each text is read once, within the package and the size limit, and
checked against both hashes (the row's and the descriptor's); every text file is listed in the
descriptor and has its row. The texts read here are what the "text" rules search."""

from __future__ import annotations

import hashlib
import posixpath

from dpmodel import article_text, safe_open
from dpmodel.csvfile import Table
from dpmodel.descriptor import Package, safe_path
from dpmodel.problems import Problem, shown

SCOPE = "texts"
KEYWORDS = {
    "x-texts": {
        "type": "object",
        "required": ["path", "sha256"],
        "additionalProperties": False,
        "description": "On the table of sources: `path` is the field holding the path of each source's text "
        "within the package, `sha256` the field holding that text's SHA-256; the texts are what excerpts, quotes "
        "and name forms are found in.",
        "properties": {
            "path": {"type": "string", "x-names": "field"},
            "sha256": {"type": "string", "x-names": "field"},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "article-missing": (
        "A source's text path must name a readable plain file inside the package, not a missing "
        "file, a link, a URL or a path outside the package.",
        "Save the article text at that path, or correct the path to the file in articles/.",
    ),
    "article-too-large": (
        "An article text must not be larger than the size limit for texts.",
        "Keep only the article itself in the file: headline, byline and body.",
    ),
    "article-encoding": (
        "An article text must be valid UTF-8, without a byte-order mark.",
        "Save the article text again, encoded as UTF-8 without BOM, without changing its words.",
    ),
    "article-control": (
        "An article text holds no control character but the line feed ending each line (no carriage "
        "return, tab or NUL) and no invisible character (a zero-width character, a bidirectional control, the "
        "line or paragraph separator): an excerpt holding one could not be recorded.",
        "Save the text with LF line endings; replace a tab with a space, delete other control characters.",
    ),
    "article-not-nfc": (
        "An article text must be in Unicode NFC, the form every cell is kept in, so that excerpts match it.",
        "Save the text normalised to NFC (the message shows a command); its words do not change.",
    ),
    "article-empty": ("An article text must not be empty.", "Save the article's headline, byline and body."),
    "article-hash-mismatch": (
        "The hash recorded for an article text (text_sha256 in sources, hash in "
        "datapackage.json) must match the text; a mismatch means the text has changed.",
        "Restore the article text as published (texts are never edited); for a new text, "
        "record the hash sha256sum prints.",
    ),
    "article-hash-missing": (
        "An article text listed in datapackage.json must give its hash.",
        'Add the "hash" the message gives to the article\'s resource.',
    ),
    "article-hash-algorithm": (
        "A resource's hash must name a known algorithm, as in sha256:… (bare hex is MD5).",
        "Write the hash as sha256: followed by what sha256sum prints for the text.",
    ),
    "article-unlisted": (
        "Every article text must be listed as a resource in datapackage.json.",
        "Add the text as a resource in datapackage.json with its hash.",
    ),
    "article-no-source": (
        "Every article text listed in datapackage.json must have its row in sources (its text path).",
        "Add the article's row to data/sources.csv, with its text path naming the text.",
    ),
}


def table_of_texts(tables: dict[str, Table]) -> tuple[Table, dict] | tuple[None, None]:
    """The table whose rows name the texts, and its x-texts."""
    table = next((t for t in tables.values() if t.resource.schema.get("x-texts")), None)
    return (table, table.resource.schema["x-texts"]) if table else (None, None)


def paths(tables: dict[str, Table]) -> dict[str, str]:
    """Each source's text path, by the source's key."""
    table, spec = table_of_texts(tables)
    if table is None:
        return {}
    key = table.resource.primary_key[0]
    return dict(table.frame.select(key, spec["path"]).drop_nulls().iter_rows())


def _read_text(package: Package, path: str) -> tuple[bytes, str]:
    """A text's bytes and their SHA-256, read through safe_open (no link on its path, a regular
    file, at most the text limit: safe_open.TooLarge beyond it, safe_open.Refused if unreadable)."""
    data = safe_open.read(package.root, path, package.limits.text_bytes)
    return data, hashlib.sha256(data).hexdigest()


def read_texts(package: Package) -> dict[str, tuple[bytes, str]]:
    """Every text the descriptor lists, as _read_text gives it, by path: the validator reads them
    in a thread while Polars parses the tables (both mostly outside the GIL), not later beside the
    checks, where each read would wait for the interpreter. One that cannot be read is left to
    check, which reads it again only if a source names it, as it would without this."""
    texts = {}
    for resource in package.resources.values():
        if not resource.is_table:
            try:
                texts[resource.path] = _read_text(package, resource.path)
            except safe_open.Refused:
                continue
    return texts


def check(
    package: Package, tables: dict[str, Table], read: dict[str, tuple[bytes, str]] | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """Each source's text by the source's key, checked against its hashes and its listing in the
    descriptor (`read`: texts already read by read_texts), and the problems found."""
    texts: dict[str, str] = {}
    sources, spec = table_of_texts(tables)
    if sources is None:
        return texts, []
    key, path_field, hash_field = sources.resource.primary_key[0], spec["path"], spec["sha256"]
    problems = []
    for number, row in sources.numbered():
        path = row[path_field]
        if path is None:
            continue
        resource = package.resource_by_path(path)
        # A listed text's path was checked when the descriptor was loaded.
        why = None if resource is not None else safe_path(package.root, path)[1]
        if why:
            problems.append(Problem(sources.path, number, path_field, why, code="article-missing"))
            continue
        try:
            data, digest = (read or {}).get(path) or _read_text(package, path)
        except safe_open.TooLarge:
            problems.append(
                Problem(
                    sources.path,
                    number,
                    path_field,
                    f"{path} is larger than the {package.limits.text_bytes:,} bytes a text may be",
                    code="article-too-large",
                )
            )
            continue
        except safe_open.Refused as exc:
            problems.append(Problem(sources.path, number, path_field, f"{path} {exc}", code="article-missing"))
            continue
        if row[hash_field] and digest != row[hash_field]:
            problems.append(
                Problem(
                    sources.path,
                    number,
                    hash_field,
                    f"does not match {path} (its SHA-256 is {digest}): the text has changed",
                    code="article-hash-mismatch",
                )
            )
        if resource is None:
            problems.append(
                Problem(
                    sources.path,
                    number,
                    path_field,
                    f"{path} is not listed as a resource in {package.descriptor_name}",
                    code="article-unlisted",
                )
            )
        elif resource.hash is None:
            problems.append(
                Problem(
                    package.descriptor_name,
                    None,
                    f"resource {resource.name}",
                    f'has no hash; add "hash": "sha256:{digest}"',
                    code="article-hash-missing",
                )
            )
        else:
            problems += _descriptor_hash(package, resource, data, digest)
        try:
            texts[row[key]] = article_text.decode(data)
        except article_text.NotPlain as exc:
            problems.append(Problem(path, None, None, str(exc), code=exc.code))
    return texts, problems + _unaccounted_articles(package, sources, path_field)


def _descriptor_hash(package: Package, resource, data: bytes, sha256: str) -> list[Problem]:
    """The hash the descriptor lists for a text, "algorithm:hex" or bare hex meaning MD5 as in
    the Data Package spec, must be the text's (`sha256`, its SHA-256, already computed)."""
    algorithm, _, expected = resource.hash.rpartition(":")
    try:
        found = sha256 if algorithm == "sha256" else hashlib.new(algorithm or "md5", data).hexdigest()
    except ValueError:
        return [
            Problem(
                package.descriptor_name,
                None,
                f"resource {resource.name}",
                f"hash {shown(resource.hash)} names an unknown algorithm",
                code="article-hash-algorithm",
            )
        ]
    if found == expected.lower():
        return []
    label = {"sha256": "SHA-256", "md5": "MD5"}.get(algorithm or "md5", algorithm)
    return [
        Problem(
            resource.path,
            None,
            None,
            f"its {label} does not match the hash in {package.descriptor_name}: the text has changed "
            f"(listed {resource.hash}, found {algorithm or 'md5'}:{found})",
            code="article-hash-mismatch",
        )
    ]


def _unaccounted_articles(package: Package, sources: Table, path_field: str) -> list[Problem]:
    """Every article text is listed in the descriptor and has its row in sources: an article
    half added would otherwise escape the excerpt checks and the coverage measure."""
    described = {row[path_field] for row in sources.rows}
    texts = [r for r in package.resources.values() if not r.is_table]
    problems = [
        Problem(
            package.descriptor_name,
            None,
            f"resource {r.name}",
            f"{r.path} has no row in {sources.path} ({path_field}); add its source row",
            code="article-no-source",
        )
        for r in texts
        if r.path not in described
    ]
    listed = {r.path for r in texts}
    for folder in sorted({posixpath.dirname(r.path) or "." for r in texts}):
        for name in sorted(file.name for file in (package.root / folder).glob("*.txt")):
            path = f"{folder}/{name}"
            if path not in listed:
                problems.append(
                    Problem(
                        path,
                        None,
                        None,
                        f"is not listed in {package.descriptor_name}; add it as a resource with its hash",
                        code="article-unlisted",
                    )
                )
    return problems
