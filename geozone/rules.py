"""Rules as data: what each zone class says about each proposed activity, with its citation.

A rule table is a folder (``layers/rules/`` by default) holding

* ``activities.yaml``: the table ``version`` and the activity vocabulary
  (code, zh and en names, short descriptions);
* one or more ``rules*.yaml`` files: rows of (layer kind, zone class, activity) →
  verdict, condition text in Chinese and English, and a citation (document, article,
  url, confidence flag ``src`` or ``verify``). A row with activity ``"*"`` is the
  default for its (kind, class); explicit rows override it. Control-unit rows may
  carry the four 三线一单 ``dimensions`` (spatial layout, emission control, risk
  prevention, resource efficiency).

Each row applies in a jurisdiction (:mod:`geozone.jurisdiction`): ``jurisdiction:`` on
the row, else on its citation's source, else at the file's top level, else city-wide
(``beijing``). A row listing several districts stands for one rule per district. For a
place, :meth:`RuleTable.rule_for` picks the most specific row whose jurisdiction contains
the place's district (district > city > national); among rows of the same jurisdiction
an explicit activity row wins over the class default. Every (kind, class, activity) needs
a city-wide or national row, so a place never gets another district's rule.

Loading validates every row with pydantic and refuses unknown kinds, classes,
activities and verdicts, missing citations, bad confidence flags, duplicate
(kind, class, activity, jurisdiction) rows, zone classes left without a city-wide or
national rule, and citation or condition text holding internal references (notes such
as line numbers into working files, :func:`internal_references`); each
:class:`~geozone.errors.ManifestError` names the file, the row (index and rule id)
and the key. ``layers/rules/README.md`` documents the format.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from geozone.errors import GeozoneError, InvalidInput, ManifestError, UnknownActivity
from geozone.jurisdiction import BEIJING, DISTRICTS, Jurisdiction, parse_jurisdiction
from geozone.vocab import CLASSES, KINDS, LayerKind, get_class
from geozone.vocab import DIMENSIONS as DIMENSION_LABELS

ACTIVITIES_FILE = "activities.yaml"
RULES_GLOB = "rules*.yaml"
ANY_ACTIVITY = "*"
_M = TypeVar("_M", bound="BaseModel")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
DIMENSIONS = tuple(DIMENSION_LABELS)  # spatial_layout, emission_control, ... (with zh/en names)

INTERNAL_REFERENCE = re.compile(
    r"种子"  # "seed text", the project's working copies of the plans
    r"|(?i:\bseed\s+(?:text|notes?|plans?|files?|[A-Z]\s?[:：]))"  # seed notes, seed B:
    r"|\b[A-Z]\s?[:：]\s?L?\d+"  # P:L119, A:405-410, B:1903
    r"|(?<![A-Za-z0-9_])L\d+(?:[-–]L?\d+)?(?![0-9])"  # L119, L538-540
    r"|(?i:\b(?:see|at|on)\s+lines?\s+\d+)"  # see line 12
    r"|(?i:\blines?\s+\d+\s*[-–]\s*\d+)"  # lines 12-14
    r"|第\s?\d+\s?行"  # 第12行
)
"""Internal notes that must not reach a person: references into working files by line."""


def internal_references(text: str) -> list[str]:
    """Return the internal references (line notes into working files) found in ``text``.

    A citation names a published document, its article or section, and a page or
    chapter; nothing else.

    >>> internal_references("重金属污染防控（种子文本 P:L828）")
    ['种子', 'P:L828']
    >>> internal_references("第七章第二节 七、深化重金属污染防治与新污染物监管")
    []
    """
    return [m.group(0) for m in INTERNAL_REFERENCE.finditer(text)]


class Verdict(StrEnum):
    """Outcome of a rule; ``OUTSIDE`` is only used for the overall verdict of a lookup."""

    PROHIBITED = "prohibited"
    CONDITIONAL = "conditional"
    PERMITTED = "permitted"
    OUTSIDE = "outside"


SEVERITY: dict[Verdict, int] = {
    Verdict.PROHIBITED: 3,
    Verdict.CONDITIONAL: 2,
    Verdict.PERMITTED: 1,
    Verdict.OUTSIDE: 0,
}


@dataclass(frozen=True)
class Activity:
    """A proposed activity a lookup can ask about."""

    code: str
    zh: str
    en: str
    description_zh: str
    description_en: str

    def to_dict(self) -> dict[str, str]:
        """Return the activity as a JSON-ready dict."""
        return {
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
        }


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from and where it applies.

    ``confidence`` is ``src`` (checked) or ``verify`` (from memory); ``jurisdiction`` is
    the administrative unit the rule binds (city-wide by default).
    """

    document: str
    article: str
    url: str | None
    confidence: str
    jurisdiction: Jurisdiction = BEIJING

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"document", "article", "url", "confidence", "jurisdiction"}``."""
        return {
            "document": self.document,
            "article": self.article,
            "url": self.url,
            "confidence": self.confidence,
            "jurisdiction": self.jurisdiction.to_dict(),
        }


@dataclass(frozen=True)
class Rule:
    """The verdict of one zone class on one activity (``activity`` may be ``"*"`` in a table)."""

    rule_id: str
    kind: LayerKind
    zone_class: str
    activity: str
    verdict: Verdict
    condition_zh: str
    condition_en: str
    citation: Citation
    dimensions: dict[str, str] | None = None

    @property
    def jurisdiction(self) -> Jurisdiction:
        """Where the rule applies (its citation's jurisdiction)."""
        return self.citation.jurisdiction

    @cached_property
    def verdict_text(self) -> str:
        """``verdict.value``, read once (an enum's ``.value`` is a slow descriptor)."""
        return self.verdict.value

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as a JSON-ready dict with stable keys."""
        return {
            "rule_id": self.rule_id,
            "kind": self.kind.value,
            "zone_class": self.zone_class,
            "activity": self.activity,
            "verdict": self.verdict.value,
            "condition_zh": self.condition_zh,
            "condition_en": self.condition_en,
            "citation": self.citation.to_dict(),
            "dimensions": dict(self.dimensions) if self.dimensions is not None else None,
        }


@dataclass(frozen=True, eq=False)
class RuleTable:
    """A loaded, validated rule table.

    Attributes
    ----------
    version : str
        Table version from ``activities.yaml``, e.g. ``"2026.11-demo"``.
    activities : dict[str, Activity]
        Activity vocabulary in file order.
    hash : str
        First 16 hex digits of the SHA-256 of the table files (changes on any edit).
    files : tuple[str, ...]
        File names the table was read from, in load order.

    Compared and hashed by identity, so it can key a cache.
    """

    version: str
    activities: dict[str, Activity]
    _rows: tuple[Rule, ...] = field(default=(), repr=False)
    hash: str = ""
    files: tuple[str, ...] = ()
    _index: dict[tuple[LayerKind, str, str], tuple[Rule, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[LayerKind, str, str], list[Rule]] = {}
        for r in self._rows:
            index.setdefault((r.kind, r.zone_class, r.activity), []).append(r)
        ordered = {
            key: tuple(sorted(rows, key=lambda r: -r.jurisdiction.specificity))
            for key, rows in index.items()
        }
        object.__setattr__(self, "_index", ordered)

    @cached_property
    def districts(self) -> tuple[str, ...]:
        """Adcodes of the districts that have rows of their own, sorted."""
        return tuple(
            sorted({r.jurisdiction.code for r in self._rows if r.jurisdiction.level == "district"})
        )

    def activity(self, code: str) -> Activity:
        """Return the activity with ``code``.

        Raises
        ------
        UnknownActivity
            If ``code`` is not in the vocabulary; the message lists the allowed codes.
        """
        found = self.activities.get(str(code).strip())
        if found is None:
            allowed = ", ".join(self.activities)
            raise UnknownActivity(
                f"unknown activity {code!r}; allowed: {allowed}",
                {"value": code, "allowed": list(self.activities)},
            )
        return found

    def rule_for(
        self, kind: LayerKind | str, zone_class: str, activity: str, district: str | None = None
    ) -> Rule:
        """Return the rule of ``zone_class`` of ``kind`` for ``activity`` at a place.

        Among the rows whose jurisdiction contains the place (a district's rows only in
        that district), the most specific jurisdiction wins (district > city > national);
        within one jurisdiction an explicit row wins over the class default (``"*"``). A
        default row is returned with ``activity`` set to the requested code. Never returns
        ``None`` for a zone kind.

        Parameters
        ----------
        kind : LayerKind or str
            A zone layer kind (``KINDS[kind].is_zone``).
        zone_class : str
            Class code or any known spelling (zh/en/alias).
        activity : str
            Activity code.
        district : str, optional
            Adcode of the place's district (the admin layer's ``code``); ``None`` when
            unknown, which selects only city-wide and national rows.

        Raises
        ------
        InvalidInput
            If ``kind`` is not a layer kind or carries no rules (park, residential, admin).
        UnknownClass
            If ``zone_class`` is not a class of ``kind``.
        UnknownActivity
            If ``activity`` is not in the vocabulary.
        """
        layer_kind = _zone_kind(kind)
        code = get_class(layer_kind, zone_class).code
        act = self.activity(activity).code
        explicit = _first_in(self._index.get((layer_kind, code, act), ()), district)
        default = _first_in(self._index.get((layer_kind, code, ANY_ACTIVITY), ()), district)
        if explicit is not None and (
            default is None or explicit.jurisdiction.specificity >= default.jurisdiction.specificity
        ):
            return explicit
        if default is None:  # load_rules guarantees completeness; a hand-built table may not
            raise ManifestError(
                f"rule table {self.version}: no rule for {layer_kind.value}/{code}/{act}",
                {"kind": layer_kind.value, "zone_class": code, "activity": act},
            )
        return replace(default, activity=act)

    def rules(self) -> list[Rule]:
        """Return the rows as written (defaults keep activity ``"*"``), in stable order."""
        return list(self._rows)

    def resolved(
        self,
        kind: LayerKind | str | None = None,
        activity: str | None = None,
        district: str | None = None,
    ) -> list[Rule]:
        """Return the effective rule of every (zone kind, class, activity), defaults expanded.

        Parameters
        ----------
        kind : LayerKind or str, optional
            Only this zone kind.
        activity : str, optional
            Only this activity code.
        district : str, optional
            The rules in force in this district (adcode). Without it: the city-wide (or
            national) rule of each (kind, class, activity), each followed by the rule of
            every district that has one of its own.

        Raises
        ------
        InvalidInput
            If ``district`` is not a Beijing district adcode.
        """
        kinds = [_zone_kind(kind)] if kind is not None else zone_kinds()
        acts = [self.activity(activity).code] if activity is not None else list(self.activities)
        if district is not None:
            code = str(district).strip()
            if code not in DISTRICTS:
                raise InvalidInput(
                    f"unknown district {district!r}; Beijing district adcodes: "
                    f"{', '.join(DISTRICTS)}",
                    {"value": district, "allowed": list(DISTRICTS)},
                )
            return [
                self.rule_for(k, c.code, a, code) for k in kinds for c in CLASSES[k] for a in acts
            ]
        out: list[Rule] = []
        for k in kinds:
            for c in CLASSES[k]:
                for a in acts:
                    out.append(self.rule_for(k, c.code, a))
                    for d in self.districts:
                        own = self.rule_for(k, c.code, a, d)
                        if own.jurisdiction.level == "district":
                            out.append(own)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"version", "hash", "activities": [...], "rules": [...]}`` (stable order)."""
        return {
            "version": self.version,
            "hash": self.hash,
            "activities": [a.to_dict() for a in self.activities.values()],
            "rules": [r.to_dict() for r in self._rows],
        }


def _first_in(rows: tuple[Rule, ...], district: str | None) -> Rule | None:
    """The first (most specific) row whose jurisdiction contains ``district``."""
    for r in rows:
        if r.jurisdiction.contains(district):
            return r
    return None


def zone_kinds() -> list[LayerKind]:
    """Layer kinds whose features are zones that carry rules, in vocabulary order."""
    return [k for k in LayerKind if KINDS[k].is_zone]


def _zone_kind(kind: LayerKind | str) -> LayerKind:
    """Parse a layer kind and check that it carries rules."""
    try:
        layer_kind = LayerKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in zone_kinds())
        raise InvalidInput(
            f"unknown layer kind {kind!r}; zone kinds: {allowed}", {"value": kind}
        ) from None
    if not KINDS[layer_kind].is_zone:
        raise InvalidInput(
            f"layer kind {layer_kind.value!r} is not a zone kind and carries no rules",
            {"value": layer_kind.value},
        )
    return layer_kind


# ---------------------------------------------------------------------------------------------
# File models


class _ActivityModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    description_zh: str = Field(min_length=1)
    description_en: str = Field(min_length=1)


class _ActivitiesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1)
    activities: list[_ActivityModel] = Field(min_length=1)


_JurisdictionValue = str | list[str] | None


class _SourceModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1)
    url: str | None = None
    confidence: Literal["src", "verify"] = "src"
    jurisdiction: _JurisdictionValue = Field(
        None, description="Default jurisdiction of the rows citing this source."
    )


class _CitationModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(None, description="Key into the file's `sources` map.")
    document: str | None = Field(None, min_length=1)
    article: str = Field(min_length=1)
    url: str | None = None
    confidence: Literal["src", "verify"] | None = None


class _RuleRow(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | None = Field(None, min_length=1, pattern=r"^[A-Za-z0-9_.:\-]+$")
    kind: LayerKind | None = None
    zone_class: str = Field(alias="class", min_length=1)
    activity: str = Field(min_length=1)
    verdict: Literal["prohibited", "conditional", "permitted"]
    condition_zh: str = Field(min_length=1)
    condition_en: str = Field(min_length=1)
    citation: _CitationModel
    dimensions: dict[str, str] | None = None
    jurisdiction: _JurisdictionValue = None

    @field_validator("dimensions")
    @classmethod
    def _known_dimensions(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - set(DIMENSIONS))
        if unknown:
            raise ValueError(f"unknown dimension(s) {unknown}; allowed: {', '.join(DIMENSIONS)}")
        empty = [k for k, v in value.items() if not str(v).strip()]
        if empty:
            raise ValueError(f"empty dimension text for {empty}")
        return {k: value[k] for k in DIMENSIONS if k in value}


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str | None = None
    kind: LayerKind | None = None
    description: str | None = None
    jurisdiction: _JurisdictionValue = None
    sources: dict[str, _SourceModel] = Field(default_factory=dict)
    rules: list[_RuleRow] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# Loading


def load_rules(rules_dir: Path | str) -> RuleTable:
    """Read and validate a rule table folder.

    Parameters
    ----------
    rules_dir : Path or str
        Folder with ``activities.yaml`` and one or more ``rules*.yaml`` files.

    Returns
    -------
    RuleTable
        The validated table; every zone kind × class × activity resolves to a rule.

    Raises
    ------
    ManifestError
        On any problem; the message names the file, the row (index and rule id) and the key.
    """
    folder = Path(rules_dir)
    if not folder.is_dir():
        raise ManifestError(f"{folder}: rule table folder not found", {"file": str(folder)})
    return rules_from_files(rule_files(folder), folder)


def rule_files(rules_dir: Path | str) -> dict[str, bytes]:
    """The bytes of a rule table folder's files: ``activities.yaml`` and ``rules*.yaml``.

    What :func:`rules_from_files` reads, e.g. to store a rule table in a database.
    """
    folder = Path(rules_dir)
    names = [ACTIVITIES_FILE, *(p.name for p in sorted(folder.glob(RULES_GLOB)))]
    return {name: (folder / name).read_bytes() for name in names if (folder / name).is_file()}


def rules_from_files(files: Mapping[str, bytes], where: Path | str = "rules") -> RuleTable:
    """Validate a rule table given as file name -> bytes (what :func:`load_rules` reads).

    ``where`` is shown as the folder in error messages (a layer folder's ``rules`` or a
    database label). The table and its hash equal those of a folder holding these files.

    Raises
    ------
    ManifestError
        As :func:`load_rules`.
    """
    folder = Path(where)
    digest = hashlib.sha256()
    act_path = folder / ACTIVITIES_FILE
    act_data = _read_yaml(act_path, files.get(ACTIVITIES_FILE), digest)
    acts_file = _validate(_ActivitiesFile, act_data, act_path)
    activities: dict[str, Activity] = {}
    for i, a in enumerate(acts_file.activities):
        if a.code in activities:
            raise ManifestError(
                f"{act_path}: activities[{i}].code: duplicate activity {a.code!r}",
                {"file": str(act_path), "row": i, "key": "code"},
            )
        activities[a.code] = Activity(a.code, a.zh, a.en, a.description_zh, a.description_en)

    rule_paths = [folder / name for name in sorted(files) if fnmatch(name, RULES_GLOB)]
    if not rule_paths:
        raise ManifestError(
            f"{folder}: no {RULES_GLOB} files in the rule table folder", {"file": str(folder)}
        )
    rows: dict[tuple[LayerKind, str, str, str], tuple[Rule, str]] = {}
    ids: dict[str, tuple[str, int]] = {}
    for path in rule_paths:
        data = _read_yaml(path, files[path.name], digest)
        for i, rule in _parse_rules_file(path, data, activities):
            where = f"{path}: rules[{i}] (id {rule.rule_id})"
            detail = {"file": str(path), "row": i, "rule_id": rule.rule_id}
            key = (rule.kind, rule.zone_class, rule.activity, rule.jurisdiction.code)
            if key in rows:
                other, other_file = rows[key]
                raise ManifestError(
                    f"{where}: activity: duplicate row for ({rule.kind.value}, "
                    f"{rule.zone_class}, {rule.activity}) in {rule.jurisdiction.name_en} "
                    f"({rule.jurisdiction.code}), already given by rule "
                    f"{other.rule_id!r} in {other_file}",
                    {**detail, "key": "activity"},
                )
            if ids.get(rule.rule_id, (str(path), i)) != (str(path), i):
                raise ManifestError(
                    f"{where}: id: duplicate rule id (also in {ids[rule.rule_id][0]})",
                    {**detail, "key": "id"},
                )
            ids[rule.rule_id] = (str(path), i)
            rows[key] = (rule, str(path))
    _check_complete(folder, rows, activities)
    ordered = sorted(_inherit_dimensions([r for r, _ in rows.values()]), key=_sort_key(activities))
    return RuleTable(
        version=acts_file.version,
        activities=activities,
        _rows=tuple(ordered),
        hash=digest.hexdigest()[:16],
        files=(ACTIVITIES_FILE, *(p.name for p in rule_paths)),
    )


def _read_yaml(path: Path, raw: bytes | None, digest: Any) -> Any:
    """Parse one YAML file's bytes, feeding them to ``digest``; errors name the file."""
    if raw is None:
        raise ManifestError(f"{path}: rule table file not found", {"file": str(path)})
    digest.update(path.name.encode() + b"\0" + raw)
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid YAML: {exc}", {"file": str(path)}) from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: expected a mapping at the top level", {"file": str(path)})
    return data


def _validate(model: type[_M], data: dict[str, Any], path: Path) -> _M:
    """Validate ``data`` against ``model``; the first problem names file, row and key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(path, data, e["loc"], e["msg"]) for e in exc.errors()]
        raise ManifestError(problems[0], {"file": str(path), "problems": problems}) from None


def _describe(path: Path, data: dict[str, Any], loc: tuple[int | str, ...], msg: str) -> str:
    """Format a pydantic error location as ``file: rules[3] (id X): class: message``."""
    if len(loc) >= 2 and loc[0] in ("rules", "activities") and isinstance(loc[1], int):
        head = f"{loc[0]}[{loc[1]}]"
        row = data.get(str(loc[0]))
        item = row[loc[1]] if isinstance(row, list) and loc[1] < len(row) else None
        if isinstance(item, dict):
            if loc[0] == "activities":
                head += f" (code {item.get('code')})" if item.get("code") else ""
            elif item.get("id"):
                head += f" (id {item['id']})"
            else:
                head += f" ({item.get('class', '?')}/{item.get('activity', '?')})"
        rest = ".".join(str(p) for p in loc[2:])
        return f"{path}: {head}: {rest or '<row>'}: {msg}"
    return f"{path}: {'.'.join(str(p) for p in loc) or '<root>'}: {msg}"


def _parse_rules_file(
    path: Path, data: dict[str, Any], activities: dict[str, Activity]
) -> list[tuple[int, Rule]]:
    """Validate one rules file and turn its rows into (row index, :class:`Rule`) pairs."""
    parsed = _validate(_RulesFile, data, path)
    out: list[tuple[int, Rule]] = []
    for i, row in enumerate(parsed.rules):
        kind = row.kind or parsed.kind
        rule_id = row.id or _default_id(kind, row.zone_class, row.activity, ())
        if kind is None:
            raise _row_error(
                path, i, rule_id, "kind", "no kind on the row and no top-level kind in the file"
            )
        if not KINDS[kind].is_zone:
            raise _row_error(
                path,
                i,
                rule_id,
                "kind",
                f"layer kind {kind.value!r} is not a zone kind and carries no rules",
            )
        try:
            zone_class = get_class(kind, row.zone_class).code
        except GeozoneError as exc:
            allowed = exc.detail.get("allowed") if isinstance(exc.detail, dict) else None
            problem = f"{exc.message} (allowed: {allowed})" if allowed else exc.message
            raise _row_error(path, i, rule_id, "class", problem) from None
        source = parsed.sources.get(row.citation.source) if row.citation.source else None
        raw_jurisdiction = next(
            (
                j
                for j in (row.jurisdiction, source.jurisdiction if source else None)
                if j is not None
            ),
            parsed.jurisdiction if parsed.jurisdiction is not None else "beijing",
        )
        try:
            jurisdictions = parse_jurisdiction(raw_jurisdiction)
        except ValueError as exc:
            raise _row_error(path, i, rule_id, "jurisdiction", str(exc)) from None
        if row.id is None:
            rule_id = _default_id(kind, zone_class, row.activity, jurisdictions)
        if row.activity != ANY_ACTIVITY and row.activity not in activities:
            raise _row_error(
                path,
                i,
                rule_id,
                "activity",
                f"unknown activity {row.activity!r}; allowed: "
                f"{', '.join(activities)} or '*' for the class default",
            )
        cit = row.citation
        source = None
        if cit.source is not None:
            source = parsed.sources.get(cit.source)
            if source is None:
                raise _row_error(
                    path,
                    i,
                    rule_id,
                    "citation.source",
                    f"unknown source {cit.source!r}; define it under sources",
                )
        document = cit.document or (source.document if source else None)
        if not document:
            raise _row_error(
                path,
                i,
                rule_id,
                "citation.document",
                "a citation needs a document (or a source key)",
            )
        confidence = cit.confidence or (source.confidence if source else None)
        if confidence is None:
            raise _row_error(
                path,
                i,
                rule_id,
                "citation.confidence",
                "a citation needs a confidence flag: src or verify",
            )
        texts = {
            "citation.document": str(document),
            "citation.article": cit.article,
            "condition_zh": row.condition_zh,
            "condition_en": row.condition_en,
            **{f"dimensions.{k}": v for k, v in (row.dimensions or {}).items()},
        }
        for key, text in texts.items():
            found = internal_references(text)
            if found:
                raise _row_error(
                    path,
                    i,
                    rule_id,
                    key,
                    f"internal reference(s) {found} in {text!r}: a citation names the "
                    "published document, its article or section and a page or chapter",
                )
        for jurisdiction in jurisdictions:
            citation = Citation(
                document=str(document),
                article=cit.article,
                url=cit.url if cit.url is not None else (source.url if source else None),
                confidence=str(confidence),
                jurisdiction=jurisdiction,
            )
            rule = Rule(
                rule_id=rule_id,
                kind=kind,
                zone_class=zone_class,
                activity=row.activity,
                verdict=Verdict(row.verdict),
                condition_zh=_join_zh(row.condition_zh),
                condition_en=row.condition_en.strip(),
                citation=citation,
                dimensions=row.dimensions,
            )
            out.append((i, rule))
    return out


def _row_error(path: Path, index: int, rule_id: str, key: str, problem: str) -> ManifestError:
    """A :class:`ManifestError` naming file, row index, rule id and key."""
    return ManifestError(
        f"{path}: rules[{index}] (id {rule_id}): {key}: {problem}",
        {"file": str(path), "row": index, "rule_id": rule_id, "key": key},
    )


def _join_zh(text: str) -> str:
    """Drop the spaces YAML folding puts between Chinese characters of joined lines."""
    return _CJK_GAP.sub("", text.strip())


def _default_id(
    kind: LayerKind | None,
    zone_class: str,
    activity: str,
    jurisdictions: tuple[Jurisdiction, ...],
) -> str:
    """Rule id used when a row gives none: ``kind.class.activity`` (``default`` for ``*``).

    A district row adds ``@`` and its adcodes, e.g. ``control_zone.restricted.default@110117``.
    """
    act = "default" if activity == ANY_ACTIVITY else activity
    base = f"{kind.value if kind else '?'}.{zone_class}.{act}"
    districts = [j.code for j in jurisdictions if j.level == "district"]
    return f"{base}@{'+'.join(districts)}" if districts else base


def _inherit_dimensions(rules: list[Rule]) -> list[Rule]:
    """Rows without ``dimensions`` take those of their class default row, if it has any.

    The default row of the same jurisdiction is preferred, else a city-wide or national one.
    """
    defaults: dict[tuple[LayerKind, str, str], dict[str, str]] = {}
    for r in sorted(rules, key=lambda r: -r.jurisdiction.specificity):
        if r.activity == ANY_ACTIVITY and r.dimensions is not None:
            defaults.setdefault((r.kind, r.zone_class, r.jurisdiction.code), r.dimensions)
            if r.jurisdiction.level != "district":
                defaults.setdefault((r.kind, r.zone_class, ""), r.dimensions)
    out = []
    for r in rules:
        found = defaults.get((r.kind, r.zone_class, r.jurisdiction.code)) or defaults.get(
            (r.kind, r.zone_class, "")
        )
        out.append(replace(r, dimensions=found) if r.dimensions is None and found else r)
    return out


def _check_complete(
    folder: Path,
    rows: dict[tuple[LayerKind, str, str, str], tuple[Rule, str]],
    activities: dict[str, Activity],
) -> None:
    """Every zone kind's every class needs a city-wide or national default or activity rows.

    District rows do not count: a place in another district must still find a rule.
    """
    general = {
        (k, c, a) for (k, c, a, _j), (r, _f) in rows.items() if r.jurisdiction.level != "district"
    }
    for kind in zone_kinds():
        for zc in CLASSES[kind]:
            if (kind, zc.code, ANY_ACTIVITY) in general:
                continue
            missing = [a for a in activities if (kind, zc.code, a) not in general]
            if missing:
                raise ManifestError(
                    f"{folder}: zone class {kind.value}/{zc.code} has no city-wide or national "
                    f"default row (activity '*') and no city-wide or national rule for: "
                    f"{', '.join(missing)} (district rows apply only in their district)",
                    {"file": str(folder), "kind": kind.value, "class": zc.code, "missing": missing},
                )


def _sort_key(activities: dict[str, Activity]) -> Any:
    """Stable order: kind, class (strictest first), '*' then activities, then jurisdiction."""
    kind_pos = {k: i for i, k in enumerate(LayerKind)}
    class_pos = {(k, c.code): i for k in CLASSES for i, c in enumerate(CLASSES[k])}
    act_pos = {a: i + 1 for i, a in enumerate(activities)}
    act_pos[ANY_ACTIVITY] = 0

    def key(rule: Rule) -> tuple[int, int, int, int, str]:
        return (
            kind_pos[rule.kind],
            class_pos[(rule.kind, rule.zone_class)],
            act_pos[rule.activity],
            rule.jurisdiction.specificity,
            rule.jurisdiction.code,
        )

    return key
