"""Latency of the passage search (search.query.search) against a plain full scan (scan).

Usage: .venv/bin/python bench/search.py [--passages 200000] [--databases sqlite,postgresql]
                                        [--repeat 20] [--scan-repeat 5]

Generates the same passages every time (a fixed seed): Japanese (80–400 characters) and English
(30–120 words) built from vocabularies of real words drawn with Zipf weights, and a few rare terms
planted in a handful of passages, so that each query class (Japanese 1, 2, 4 and 6 characters, an
English word, an English phrase) has one RARE query (under 0.1 % of the passages) and one COMMON
query (over 20 %). For each database, in a subprocess of this script (Django reads DATABASE_URL
when it starts): a fresh database (SQLite in a temporary file; PostgreSQL in a database created and
dropped here), `migrate`, the passages bulk-loaded as SearchEntry rows of kind "passage" (then
VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite); then for each query, untimed, the hit set of
search() paged in one go against scan() and against Python's own substring count, and timed, the
first page of search() (limit 20) and scan() itself (every id, by reading all rows).

Goal: indexed p95 under 50 ms for each query hitting under 5 % of the passages, under 150 ms for
the commoner ones. Exit status 0 whether or not the goal is met; 1 on a hit-set MISMATCH or a
failure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from machine import describe

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260227
JAPANESE_SHARE = 0.55
RARE_SHARE = 0.0004  # each rare term is planted in this share of all passages (at least 3)
CHUNK = 10_000  # passages per transaction while loading
BATCH = 1_000  # rows per INSERT (Django lowers it where the database needs)
GOAL_RARE_MS = 50.0
GOAL_COMMON_MS = 150.0
COMMON_FROM = 0.05  # a query hitting at least this share of the passages has the looser goal
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_search"


class BenchError(Exception):
    pass


# --- the corpus -----------------------------------------------------------------------------

# Japanese words, commonest first (Zipf weight 1/rank). 国 is in a dozen of them (米国, 韓国, 中国,
# 国際, …): the commonest one-character query. Words never touch: each is followed by a particle
# or an ending, so a compound such as 拡大抑止 exists only where it is planted.
JA_WORDS = """
日本 同盟 米国 韓国 中国 防衛 戦略 安全保障 抑止 政府 国際 協力 地域 関係 北朝鮮 政策 能力 軍事
経済 強化 日米 台湾 首脳 会談 合意 脅威 環境 課題 議論 自衛隊 ミサイル 核 外交 役割 体制 同盟国
統合 指揮 作戦 拡大 演習 共同 インド太平洋 海洋 安定 平和 秩序 枠組み 日韓 米韓 日米韓 三か国
対話 関与 影響 姿勢 方針 計画 予算 装備 技術 研究 開発 輸出 サプライチェーン 半導体 宇宙
サイバー 情報 共有 分析 評価 報告書 文書 声明 宣言 条約 協定 基地 駐留 部隊 兵力 海軍 空軍 陸軍
海上 航空 警戒 監視 偵察 反撃 攻撃 防空 迎撃 配備 展開 運用 訓練 危機 紛争 有事 事態 対応 抑制
緊張 挑発 発射 実験 制裁 圧力 交渉 非核化 核兵器 不拡散 軍備 管理 透明性 信頼 各国 国家 国防
国連 国民 国内 世論 議会 選挙 政権 大統領 首相 大臣 長官 国務省 国防総省 防衛省 外務省 官邸 与党
野党 専門家 研究者 報道 記事 見方 立場 懸念 期待 可能性 重要性 必要性 方向性 背景 経緯 歴史 将来
東アジア 朝鮮半島 東シナ海 南シナ海 尖閣 ロシア ウクライナ 欧州 豪州 インド フィリピン
東南アジア 太平洋 多国間 二国間 抑止力 防衛力 防衛費 NATO QUAD ASEAN G7
""".split()
# Particles between words, with their weights.
JA_PARTICLES = {"の": 30, "は": 10, "が": 10, "を": 10, "に": 8, "と": 8, "で": 5, "も": 3, "や": 3}
JA_PARTICLES |= {"への": 2, "との": 3, "による": 2, "における": 2}
# Sentence endings, commonest first: と考えられる is the common six-character query.
JA_ENDINGS = [
    "と考えられる。", "である。", "としている。", "が重要である。", "を強化している。",
    "が求められる。", "を示している。", "とみられる。", "を進めている。", "を表明した。",
    "に合意した。", "が懸念される。", "と指摘されている。", "を目指している。",
    "となっている。", "を確認した。", "が課題となる。", "と述べた。",
]  # fmt: skip
JA_OPENERS = ["しかし、", "一方、", "さらに、", "また、", "特に、", "今後、", "近年、"]

# English vocabulary, commonest first; "the United States" is one unit (the common phrase).
EN_WORDS = """
the of and to in the_United_States a security that for is alliance on with Japan as by deterrence
Korea defense China its are this be has policy strategy from regional allies military not it will
cooperation nuclear at an have which Seoul Tokyo Washington more government its forces missile
capabilities would also new threat Indo-Pacific should or but was their these administration
North between than been trilateral support bilateral commitment extended partners economic
exercises joint command posture deployment budget navy air ground maritime strait Taiwan
stability peace order framework dialogue engagement approach plan technology research
development export supply chain semiconductors space cyber information sharing analysis report
statement declaration treaty agreement base troops units surveillance reconnaissance
counterstrike attack interception readiness training crisis conflict contingency response
restraint tension provocation launch test sanctions pressure negotiations denuclearization
weapons nonproliferation arms control transparency trust public opinion parliament election
president minister secretary department officials experts researchers media article view
position concern expectation possibility importance need direction background history future
Russia Ukraine Europe Australia India Philippines ASEAN Pacific multilateral burden sharing
costs industrial base shipbuilding logistics resilience coercion gray zone islands southwest
denial punishment credibility assurance reassurance escalation signaling
""".split()
EN_OPENERS = ["However,", "Moreover,", "In addition,", "At the same time,", "Meanwhile,"]

# Rare terms, each planted in a sentence of its own; nothing else in the corpus contains them
# (deterrence, by and denial occur elsewhere, but rarely in that order).
JA_PLANTS = {
    "鯨": "国際捕鯨委員会からの脱退が改めて議論された。",
    "機雷": "掃海部隊による機雷の除去が課題である。",
    "拡大抑止": "米国による拡大抑止の信頼性が問われている。",
    "核兵器不拡散": "核兵器不拡散条約の再検討会議が開かれた。",
}
EN_PLANTS = {
    "minesweeping": "The navy plans to expand its minesweeping fleet before the next exercise.",
    "deterrence by denial": "Tokyo is moving toward deterrence by denial along the island chain.",
}


@dataclass(frozen=True)
class Query:
    cls: str
    kind: str  # "rare" or "common"
    text: str


QUERIES = [
    Query("ja 1 char", "rare", "鯨"),
    Query("ja 1 char", "common", "国"),
    Query("ja 2 chars", "rare", "機雷"),
    Query("ja 2 chars", "common", "同盟"),
    Query("ja 4 chars", "rare", "拡大抑止"),
    Query("ja 4 chars", "common", "安全保障"),
    Query("ja 6 chars", "rare", "核兵器不拡散"),
    Query("ja 6 chars", "common", "と考えられる"),
    Query("en word", "rare", "minesweeping"),
    Query("en word", "common", "security"),
    Query("en phrase", "rare", '"deterrence by denial"'),
    Query("en phrase", "common", '"the United States"'),
    Query("ja 2 words", "rare", "機雷 同盟"),
    Query("ja 2 words", "common", "同盟 安全保障"),
    Query("en 2 words", "rare", "minesweeping security"),
    Query("en 2 words", "common", "security United"),
]


def zipf(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ranks 1..count."""
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


class Corpus:
    """The passages, the same for a given count on every run: (language, text) in order."""

    def __init__(self, count: int, seed: int = SEED) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.languages = [
            "ja" if self.rng.random() < JAPANESE_SHARE else "en" for _ in range(count)
        ]
        self.plants: dict[int, list[str]] = {}
        planted = max(3, round(count * RARE_SHARE))
        for language, plants in (("ja", JA_PLANTS), ("en", EN_PLANTS)):
            indexes = [i for i, lang in enumerate(self.languages) if lang == language]
            for sentence in plants.values():
                for i in self.rng.sample(indexes, min(planted, len(indexes))):
                    self.plants.setdefault(i, []).append(sentence)
        self.ja_words = zipf(len(JA_WORDS))
        self.ja_particles = list(itertools.accumulate(JA_PARTICLES.values()))
        self.ja_endings = zipf(len(JA_ENDINGS), 0.8)
        self.en_words = zipf(len(EN_WORDS))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for i, language in enumerate(self.languages):
            planted = self.plants.get(i, [])
            text = self.japanese(planted) if language == "ja" else self.english(planted)
            yield language, text

    def japanese(self, planted: list[str]) -> str:
        rng = self.rng
        target = round(rng.triangular(80, 400, 160))
        sentences = list(planted)
        length = sum(map(len, sentences))
        while length < 80 or length < target:
            sentence = self.japanese_sentence()
            if length >= 80 and length + len(sentence) > target:
                break
            sentences.append(sentence)
            length += len(sentence)
        rng.shuffle(sentences)
        return "".join(sentences)

    def japanese_sentence(self) -> str:
        rng = self.rng
        chunks = rng.randint(2, 5)
        words = rng.choices(JA_WORDS, cum_weights=self.ja_words, k=chunks)
        particles = rng.choices(list(JA_PARTICLES), cum_weights=self.ja_particles, k=chunks - 1)
        parts = [rng.choice(JA_OPENERS)] if rng.random() < 0.2 else []
        if rng.random() < 0.05:
            parts.append(f"{rng.randint(1990, 2030)}年、")
        for word, particle in zip(words, particles, strict=False):
            parts += [word, particle, "、" if rng.random() < 0.15 else ""]
        parts += [words[-1], rng.choices(JA_ENDINGS, cum_weights=self.ja_endings)[0]]
        return "".join(parts)

    def english(self, planted: list[str]) -> str:
        rng = self.rng
        target = round(rng.triangular(30, 120, 55))
        sentences = list(planted)
        count = sum(len(s.split()) for s in sentences)
        while count < target:
            length = min(rng.randint(8, 22), target - count)
            if length < 4 and count >= 30:
                break
            sentences.append(self.english_sentence(max(length, 4)))
            count += max(length, 4)
        rng.shuffle(sentences)
        return " ".join(sentences)

    def english_sentence(self, length: int) -> str:
        rng = self.rng
        words = rng.choice(EN_OPENERS).split() if rng.random() < 0.15 else []
        units = rng.choices(EN_WORDS, cum_weights=self.en_words, k=length)
        words += " ".join(units).replace("_", " ").split()
        text = " ".join(words[:length])
        return text[0].upper() + text[1:] + "."


# --- the worker: one database, in its own process ---------------------------------------------


@dataclass
class Row:
    cls: str
    kind: str
    query: str
    hits: int
    reference: int  # passages whose folded text contains the folded query, counted in Python
    same: bool
    detail: str
    indexed_ms: list[float]
    scan_ms: list[float]


def say(message: str) -> None:
    print(message, flush=True)


def measure(call: Callable[[], object], repeat: int, budget: float) -> list[float]:
    """Milliseconds of `repeat` calls, stopping early (after 3) once `budget` seconds are spent."""
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
        if len(times) >= 3 and time.perf_counter() - started > budget:
            break
    return times


def worker(database: str, args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from search.models import SearchEntry
    from search.query import scan, search
    from search.terms import query_words

    say(f"migrate ({connection.vendor}) …")
    call_command("migrate", interactive=False, verbosity=0)

    say(f"generating and loading {args.passages:,} passages …")
    needles = [query_words(q.text) for q in QUERIES]
    reference = [0] * len(QUERIES)
    languages = {"ja": 0, "en": 0}
    started = time.perf_counter()
    insert_seconds = 0.0
    batch: list[SearchEntry] = []

    def flush() -> None:
        nonlocal insert_seconds
        began = time.perf_counter()
        with transaction.atomic():
            SearchEntry.objects.bulk_create(batch, batch_size=BATCH)
        insert_seconds += time.perf_counter() - began
        batch.clear()

    for i, (language, text) in enumerate(Corpus(args.passages)):
        entry = SearchEntry.of(SearchEntry.Kind.PASSAGE, text, f"/bench/{i}", language)
        languages[language] += 1
        for j, needle in enumerate(needles):
            if all(word in entry.folded for word in needle):
                reference[j] += 1
        batch.append(entry)
        if len(batch) == CHUNK:
            flush()
            say(f"  {i + 1:>9,} rows  {time.perf_counter() - started:6.1f} s")
    if batch:
        flush()
    load_seconds = time.perf_counter() - started
    say(
        f"loaded {args.passages:,} passages ({languages['ja']:,} ja, {languages['en']:,} en) in "
        f"{load_seconds:.1f} s: {insert_seconds:.1f} s in bulk_create, the rest generating and "
        "folding in Python"
    )
    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE reader_searchentry")
            maintenance = "VACUUM ANALYZE"
        else:
            cursor.execute("ANALYZE")
            maintenance = "ANALYZE"
    maintenance_seconds = time.perf_counter() - began
    say(f"{maintenance} in {maintenance_seconds:.1f} s; size: {database_size(connection)}")

    rows: list[Row] = []
    for query, needle, expected in zip(QUERIES, needles, reference, strict=True):
        # Untimed: the hit set of the index (every page at once) against the full scan.
        scanned = scan(query.text)
        everything = search(query.text, limit=args.passages + 1, rank_among=0)
        ids = [hit.entry.pk for hit in everything]
        first_page = [hit.entry.pk for hit in search(query.text, limit=20, rank_among=0)]
        problems = []
        if sorted(ids) != scanned:
            missing, extra = len(set(scanned) - set(ids)), len(set(ids) - set(scanned))
            problems.append(
                f"index {len(ids)} vs scan {len(scanned)} ({missing} missing, {extra} extra)"
            )
        if len(set(ids)) != len(ids):
            problems.append("duplicate hits")
        if len(scanned) != expected:
            problems.append(f"scan {len(scanned)} vs Python count {expected}")
        if first_page != ids[:20]:
            problems.append("first page is not the head of the full ranking")
        not_contained = [
            h.entry.pk
            for h in everything[:200]
            if not all(word in h.entry.folded for word in needle)
        ]
        if not_contained:
            problems.append(f"{len(not_contained)} hits do not contain the query")
        del everything
        # Timed, after a warm-up run (the untimed calls above warmed the scan).
        search(query.text, limit=20)
        indexed = measure(lambda q=query.text: search(q, limit=20), args.repeat, args.budget)
        scans = measure(lambda q=query.text: scan(q), args.scan_repeat, args.budget)
        row = Row(
            query.cls, query.kind, query.text, len(scanned), expected, not problems,
            "; ".join(problems), indexed, scans,
        )  # fmt: skip
        rows.append(row)
        say(
            f"  {query.cls:<10} {query.kind:<6} {pad(query.text, 20)} {len(scanned):>8,} hits  "
            f"search p50 {percentile(indexed, 50):8.1f} ms p95 {percentile(indexed, 95):8.1f} ms  "
            f"scan p50 {percentile(scans, 50):8.1f} ms  {'OK' if row.same else 'MISMATCH'}"
        )

    result = {
        "database": database,
        "version": database_version(connection),
        "passages": args.passages,
        "languages": languages,
        "load_seconds": load_seconds,
        "insert_seconds": insert_seconds,
        "maintenance": maintenance,
        "maintenance_seconds": maintenance_seconds,
        "size": database_size(connection),
        "rows": [asdict(row) for row in rows],
    }
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False))
    return 0


def database_version(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def database_size(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('reader_searchentry'), "
                "pg_relation_size('reader_searchentry_vector')"
            )
            total, gin = cursor.fetchone()
        return f"table with indexes and TOAST {total / 2**20:,.0f} MiB (GIN {gin / 2**20:,.0f} MiB)"
    name = Path(connection.settings_dict["NAME"])
    return f"database file {name.stat().st_size / 2**20:,.0f} MiB (rows and FTS5 index)"


# --- the driver -----------------------------------------------------------------------------


def postgres_admin(url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def run_worker(database: str, url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    result = workdir / f"{database}.json"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_POOL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",  # with DEBUG on, Django keeps every query's SQL in memory
        "SECRET_KEY": "bench-search-" + os.urandom(16).hex(),
        "PYTHONUNBUFFERED": "1",
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", database]
    cmd += ["--passages", str(args.passages), "--repeat", str(args.repeat)]
    cmd += ["--scan-repeat", str(args.scan_repeat), "--budget", str(args.budget)]
    cmd += ["--result", str(result)]
    with subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            say(f"  [{database}] {line.rstrip()}")
    if process.returncode != 0 or not result.exists():
        raise BenchError(f"the {database} worker failed (exit status {process.returncode})")
    return json.loads(result.read_text())


def bench_database(database: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-search-{database}-"))
    created: str | None = None
    try:
        if database == "sqlite":
            url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            url = args.postgres_url
            created = urlsplit(url).path.lstrip("/")
            try:
                postgres_admin(url, "CREATE DATABASE {}", created)
            except Exception as error:  # an existing database is not ours to drop
                created = None
                raise BenchError(f"cannot create the PostgreSQL database: {error}") from error
            say(f"  created PostgreSQL database {created}")
        return run_worker(database, url, args, workdir)
    finally:
        if created:
            postgres_admin(args.postgres_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", created)
            say(f"  dropped PostgreSQL database {created}")
        shutil.rmtree(workdir, ignore_errors=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] if ordered else math.nan


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, right: bool = False) -> str:
    fill = " " * max(0, size - width(text))
    return fill + text if right else text + fill


def plan_verdict(kind: str, share: float) -> str:
    if kind == "rare":
        return "rare as planned" if 0 < share < 0.001 else "NOT rare (<0.1 %, >0)"
    if share > 0.2:
        return "common as planned"
    return "common >5 % only" if share > COMMON_FROM else "NOT common (>5 %)"


def report(result: dict[str, Any]) -> bool:
    """Print one database's table; True when every hit set matched."""
    passages = result["passages"]
    say("")
    say(
        f"{result['version']}: {passages:,} passages ({result['languages']['ja']:,} ja, "
        f"{result['languages']['en']:,} en), loaded in {result['load_seconds']:.1f} s "
        f"({result['insert_seconds']:.1f} s bulk_create), {result['maintenance']} "
        f"{result['maintenance_seconds']:.1f} s; {result['size']}"
    )
    columns = [
        ("class", 10), ("which", 6), ("query", 20), ("hits", 8), ("hit %", 7),
        ("idx p50", 8), ("idx p95", 8), ("n", 3), ("scan p50", 9), ("scan p95", 9), ("n", 2),
        ("same hits", 9), ("goal p95", 8), ("goal", 5),
    ]  # fmt: skip
    header = " ".join(pad(name, size, right=i > 2) for i, (name, size) in enumerate(columns))
    say(header)
    say("-" * width(header))
    all_same = True
    for row in result["rows"]:
        share = row["hits"] / passages
        goal = GOAL_RARE_MS if share < COMMON_FROM else GOAL_COMMON_MS
        p95 = percentile(row["indexed_ms"], 95)
        cells = [
            row["cls"], row["kind"], row["query"], f"{row['hits']:,}", f"{share * 100:.3f}",
            f"{percentile(row['indexed_ms'], 50):.1f}", f"{p95:.1f}", str(len(row["indexed_ms"])),
            f"{percentile(row['scan_ms'], 50):.1f}", f"{percentile(row['scan_ms'], 95):.1f}",
            str(len(row["scan_ms"])), "OK" if row["same"] else "MISMATCH", f"< {goal:.0f}",
            "met" if p95 < goal else "MISSED",
        ]  # fmt: skip
        say(
            " ".join(
                pad(c, size, right=i > 2)
                for i, (c, (_, size)) in enumerate(zip(cells, columns, strict=True))
            )
        )
        if not row["same"]:
            all_same = False
            say(f"    MISMATCH: {row['detail']}")
    rows = result["rows"]
    met = sum(
        percentile(r["indexed_ms"], 95)
        < (GOAL_RARE_MS if r["hits"] / passages < COMMON_FROM else GOAL_COMMON_MS)
        for r in rows
    )
    say(
        f"Goal met by {met} of {len(rows)} queries; "
        f"hit sets: {'all OK' if all_same else 'MISMATCH'}"
    )
    return all_same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=200_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each search")
    parser.add_argument("--scan-repeat", type=int, default=5, help="timed runs of each scan")
    parser.add_argument(
        "--budget", type=float, default=30.0,
        help="seconds after which a measurement stops repeating (after 3 runs)",
    )  # fmt: skip
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="created and dropped")
    parser.add_argument("--worker", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.passages < 1000 or args.repeat < 1 or args.scan_repeat < 1:
        parser.error("--passages ≥ 1000, --repeat ≥ 1 and --scan-repeat ≥ 1 are required")
    if args.worker:
        return worker(args.worker, args)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not databases or set(databases) - {"sqlite", "postgresql"}:
        parser.error("--databases: a comma-separated list of sqlite and postgresql")

    host = describe()
    say(f"Search benchmark: {args.passages:,} passages, databases {', '.join(databases)}")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    failed = False
    for database in databases:
        say(f"{database}:")
        try:
            results.append(bench_database(database, args))
        except BenchError as error:
            say(f"FAILED: {error}")
            failed = True

    say("")
    say(f"Machine: {host}")
    say(
        f"Method: {args.passages:,} generated passages (seed {SEED}; {JAPANESE_SHARE:.0%} Japanese "
        "of 80–400 characters, the rest English of 30–120 words; Zipf vocabularies; each rare "
        f"term planted in {RARE_SHARE:.2%} of the passages), one process per database, the "
        "benchmark in the same process as Django (no HTTP). Indexed: search.query.search(q, "
        "limit=20), the first ranked page with its entries, ranking at most the first "
        "SEARCH_RANK_AMONG matches (5,000 unless set), as the app does, "
        f"{args.repeat} runs after a warm-up. "
        f"Scan: search.query.scan(q), every matching id by reading all rows, {args.scan_repeat} "
        f"runs. A measurement stops early, after 3 runs, past {args.budget:.0f} s (n = runs). "
        "Same hits: search() ranking all matches with a limit above the passage count, "
        "untimed, has exactly the "
        "ids of scan(), scan() the count of a Python substring test, and the first page is the "
        "head of the full ranking. p50/p95 nearest-rank, in ms."
    )
    say(
        f"Goal: indexed p95 < {GOAL_RARE_MS:.0f} ms for every query hitting under "
        f"{COMMON_FROM:.0%} of the passages, < {GOAL_COMMON_MS:.0f} ms for the commoner ones."
    )
    if results:
        first = results[0]
        say("")
        say(
            "Query plan (hit share of the passages; rare: >0 and <0.1 %; "
            "common: >20 %, ≥5 % at least):"
        )
        for row in first["rows"]:
            share = row["hits"] / first["passages"]
            say(
                f"  {pad(row['cls'], 10)} {pad(row['kind'], 6)} {pad(row['query'], 20)} "
                f"{row['hits']:>8,} {share * 100:8.3f} %  {plan_verdict(row['kind'], share)}"
            )
    for result in results:
        if not report(result):
            failed = True
    say("")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"Total time {time.perf_counter() - started:.0f} s; load average {load} at the end.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
