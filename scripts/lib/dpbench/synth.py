#!/usr/bin/env python3
"""Write a synthetic package for scale tests: `python scripts/synth.py --rows N --seed S --out DIR`.

Same descriptor, schemas and vocabularies as the real package; about N fact rows spread over the
tables in roughly the real proportions (per article: a source, a few new actors with aliases, an
organisation, posts, events with participants, statements with subjects, and a citation for
every fact row); and a synthetic Italian text per article that contains every excerpt and quote,
so the verbatim checks do real work. The same N and seed give the same bytes; the result passes
the validator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

from dpmodel import REPOSITORY, csvfile, descriptor

ROOT = REPOSITORY
ROWS_PER_ARTICLE = 250  # about the size of the longest real article's share of the data
STATES = [
    ("RUS", "Russia"),
    ("CHN", "China"),
    ("BLR", "Belarus"),
    ("KAZ", "Kazakhstan"),
    ("KGZ", "Kyrgyzstan"),
    ("TJK", "Tajikistan"),
    ("ARM", "Armenia"),
    ("IND", "India"),
    ("IRN", "Iran"),
    ("MNG", "Mongolia"),
]
EVENT_TYPES = ["talks", "visit", "summit", "consultation", "conference", "military_exercise", "agreement"]
MONTHS = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
]
WORDS = ["cooperazione", "sicurezza", "dialogo", "stabilità", "fiducia", "partenariato", "regione", "difesa"]


def italian_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


class Synth:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.rows: dict[str, list[dict]] = {
            name: []
            for name in (
                "sources",
                "actors",
                "aliases",
                "organisations",
                "memberships",
                "places",
                "events",
                "event_participants",
                "statements",
                "statement_speakers",
                "statement_subjects",
                "citations",
            )
        }
        self.texts: dict[str, str] = {}
        self.states: set[str] = (
            set()
        )  # a state's actor is made when a post first names it (an unnamed one would be an orphan)
        for i in range(40):
            code = self.random.choice(STATES)[0]
            self.rows["places"].append(
                {
                    "place_id": f"place-{i:03d}",
                    "name": f"Città {i}",
                    "country": code,
                    # repr: the canonical text of a number (csvfile.canonical_number)
                    "latitude": repr(round(self.random.uniform(-60, 70), 4)),
                    "longitude": repr(round(self.random.uniform(-170, 170), 4)),
                    "coordinates_basis": "inferred",
                }
            )

    def actor(self, actor_id, kind, name, country="", description="Synthetic actor."):
        self.rows["actors"].append(
            {"actor_id": actor_id, "kind": kind, "name": name, "country": country, "description": description}
        )
        self.rows["aliases"].append({"actor_id": actor_id, "alias": name, "lang": "it"})

    def cite(self, table, record_id, source, excerpt):
        self.rows["citations"].append(
            {"record_table": table, "record_id": record_id, "source_id": source, "excerpt": excerpt}
        )

    def article(self, k: int, size: int) -> None:
        r = self.random
        source = f"synth-{k:06d}"
        published = dt.date(2020, 1, 1) + dt.timedelta(days=r.randrange(5 * 365))
        sentences = [
            f"Articolo sintetico {k} sulla cooperazione regionale.",
            f"Pubblicato il {italian_date(published)}.",
        ]
        people = []
        for p in range(5):
            actor_id = f"{source}-person-{p}"
            self.actor(actor_id, "person", f"Persona {k}-{p}", r.choice(STATES)[0])
            people.append((actor_id, f"Persona {k}-{p}"))
        org_id, org_name = f"{source}-org", f"Organizzazione {k}"
        self.actor(org_id, "organisation", org_name)
        self.rows["organisations"].append(
            {"organisation_id": org_id, "classification": "intergovernmental_organisation"}
        )
        for p, (actor_id, name) in enumerate(people[:2]):
            code, state = STATES[(k + p) % len(STATES)]
            sentence = f"{name} è ministro degli Esteri dello Stato {state}."
            sentences.append(sentence)
            membership = f"{actor_id}-minister"
            if code not in self.states:
                self.states.add(code)
                self.actor(f"state-{code.lower()}", "state", f"Stato {state}", code)
            self.rows["memberships"].append(
                {
                    "membership_id": membership,
                    "member_id": actor_id,
                    "organisation_id": f"state-{code.lower()}",
                    "role": "minister",
                    "label": "Foreign Minister",
                }
            )
            self.cite("memberships", membership, source, sentence)
        events = max(1, size // 30)
        for j in range(events):
            day = published - dt.timedelta(days=r.randrange(1, 90))
            a, b = r.sample(people, 2)
            event_id = f"{source}-event-{j}"
            place = r.choice(self.rows["places"])
            sentence = f"Il {italian_date(day)} {a[1]} e {b[1]} si sono incontrati a {place['name']} (evento {j})."
            sentences.append(sentence)
            self.rows["events"].append(
                {
                    "event_id": event_id,
                    "title": f"Synthetic meeting {k}-{j}",
                    "event_type": r.choice(EVENT_TYPES),
                    "status": "occurred",
                    "mode": "in_person",
                    "start_date": day.isoformat(),
                    "date_basis": "stated",
                    "place_id": place["place_id"],
                    "description": "Synthetic event.",
                }
            )
            self.cite("events", event_id, source, sentence)
            participants = [(a[0], "host"), (b[0], "visitor")] + ([(org_id, "organiser")] if j == 0 else [])
            for actor_id, role in participants:
                self.rows["event_participants"].append({"event_id": event_id, "actor_id": actor_id, "role": role})
                self.cite(
                    "event_participants",
                    f"{event_id}/{actor_id}",
                    source,
                    sentence if actor_id != org_id else f"L'incontro è stato organizzato da {org_name}.",
                )
            if j == 0:
                sentences.append(f"L'incontro è stato organizzato da {org_name}.")
            for s in range(2):
                statement_id = f"{event_id}-statement-{s}"
                quote = f"La {r.choice(WORDS)} tra i nostri paesi è la priorità numero {k}-{j}-{s}"
                said = f"«{quote}», ha detto {a[1]}."
                sentences.append(said)
                self.rows["statement_speakers"].append({"statement_id": statement_id, "actor_id": a[0]})
                self.rows["statements"].append(
                    {
                        "statement_id": statement_id,
                        "event_id": event_id,
                        "date": day.isoformat(),
                        "date_basis": "stated",
                        "kind": "direct",
                        "quote": quote,
                        "quote_en": f"The cooperation between our countries is priority number {k}-{j}-{s}",
                    }
                )
                for subject in (b[0], org_id):
                    self.rows["statement_subjects"].append({"statement_id": statement_id, "actor_id": subject})
                self.cite("statements", statement_id, source, said)
        for actor_id, name in people:  # every actor is named and cited where it is named
            mention = f"Tra i presenti figurava anche {name}."
            sentences.append(mention)
            self.cite("actors", actor_id, source, mention)
        text = "\n".join(sentences) + "\n"
        self.texts[source] = text
        self.rows["sources"].append(
            {
                "source_id": source,
                "title": f"Articolo sintetico {k}",
                "outlet": "Testata sintetica",
                "published_date": published.isoformat(),
                "published_date_basis": "stated",
                "language": "it",
                "text_path": f"articles/{source}.txt",
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "original_filename": f"{source}.txt",
            }
        )

    def fact_rows(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _points_at(resource, generated: set[str]) -> bool:
    return bool(resource.schema.get("x-record-reference") or resource.schema.get("x-redirects")) or any(
        fk.resource in generated for fk in descriptor.foreign_keys(resource.schema, resource.name)
    )


def write(out: Path, rows_wanted: int, seed: int, source: Path = ROOT / "datapackage.json") -> int:
    """A synthetic package shaped like the one `source` describes: its descriptor, schemas and
    lookup tables, and generated rows for the tables synth knows. Any other table is copied as it
    is, unless its rows point at generated tables (a foreign key, a record reference or a redirect): then it
    is written empty, since its rows would point at rows that do not exist."""
    package, problems = descriptor.load(source)
    if package is None:
        raise SystemExit("\n".join(map(str, problems)))
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    (out / "articles").mkdir()
    shutil.copytree(package.root / "schemas", out / "schemas")
    synth = Synth(seed)
    k = 0
    while synth.fact_rows() < rows_wanted:
        synth.article(k, ROWS_PER_ARTICLE)
        k += 1
    for resource in package.tables():
        target = out / resource.path
        if resource.name in synth.rows:
            rows = [{f: row.get(f) or None for f in resource.field_names} for row in synth.rows[resource.name]]
            rows.sort(key=lambda row: tuple(row[f] or "" for f in resource.primary_key))
            target.write_text(csvfile.render(resource.field_names, rows), encoding="utf-8")
        elif _points_at(resource, set(synth.rows)):
            # Its rows point at real rows the synthetic package does not have: copied, they would dangle.
            target.write_text(csvfile.render(resource.field_names, []), encoding="utf-8")
        else:
            shutil.copy(resource.file, target)
    for source, text in synth.texts.items():
        (out / "articles" / f"{source}.txt").write_text(text, encoding="utf-8")
    described = dict(package.descriptor)
    described["resources"] = [r for r in package.descriptor["resources"] if "schema" in r] + [
        {
            "name": f"article-{source}",
            "path": f"articles/{source}.txt",
            "format": "txt",
            "mediatype": "text/plain",
            "encoding": "utf-8",
            "hash": "sha256:" + hashlib.sha256(text.encode()).hexdigest(),
        }
        for source, text in synth.texts.items()
    ]
    (out / "datapackage.json").write_text(json.dumps(described, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return synth.fact_rows()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="fact rows to write, at least")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--package", default=str(ROOT / "datapackage.json"), help="the package to imitate (default: this one)"
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        print("--rows must be at least 1")
        return 2
    written = write(Path(args.out), args.rows, args.seed, Path(args.package))
    print(f"{args.out}: {written:,} fact rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
