"""The indicator framework: a validated, immutable tree of indicators and aggregates.

A framework lists every node of a composite index once: indicators at the
leaves, aggregates (pillars, sub-indices) above them and one root, the index.
Each node has a weight relative to its siblings; each indicator has a direction
(+1 when more is better, -1 when less is better).

Levels are counted from the leaves, as in COINr: indicators are level 1 and an
aggregate sits one level above its highest child, so the root has the highest
level. Weights are relative: at aggregation time the weights of a node's
children are divided by their sum (see :meth:`Framework.normalized_weights`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from typing import Any, Literal

import numpy as np
import pandas as pd

from spindex._frozen import FrozenMapping
from spindex._values import is_missing, keyed_items, suggest
from spindex.errors import DataError, FrameworkError, SpindexError, SpindexTypeError

__all__ = ["Framework", "Node"]

NodeKind = Literal["indicator", "aggregate"]

# Column names accepted by Framework.from_table, mapped to our attribute names.
# COINr's iMeta uses the capitalised names; our own tables use the lower-case ones.
_COLUMN_ALIASES: dict[str, str] = {
    "icode": "code",
    "code": "code",
    "iname": "name",
    "name": "name",
    "parent": "parent",
    "weight": "weight",
    "direction": "direction",
    "level": "level",
    "type": "type",
}
_TREE_TYPES = {"indicator": "indicator", "aggregate": "aggregate"}


def _code_text(value: object) -> str:
    """A node code or parent as text: ``1`` and ``1.0`` (a whole-number column that pandas
    read as floats because the root's parent is blank) both become ``"1"``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_missing(value: object) -> bool:
    # pd.NA (nullable dtypes) and pd.NaT are missing like None and NaN; a blank cell too.
    if is_missing(value):
        return True
    return isinstance(value, str) and value.strip() == ""


@dataclass(frozen=True)
class Node:
    """One node of a framework.

    Parameters
    ----------
    code : str
        Unique code; for indicators, the column name in the data.
    parent : str or None
        Code of the parent node; ``None`` for the root.
    weight : float
        Weight relative to the siblings (non-negative).
    direction : int
        +1 if higher values are better, -1 otherwise. Always +1 for aggregates.
    name : str
        Human-readable name (defaults to the code).
    kind : {"indicator", "aggregate"}
        Whether the node is a leaf (indicator) or has children.
    level : int
        1 for indicators; one more than the highest child level for aggregates.
    attrs : mapping
        Any further metadata (unit, target, goalposts, denominator, source, ...).
    """

    code: str
    parent: str | None
    weight: float
    direction: int
    name: str
    kind: NodeKind
    level: int
    attrs: Mapping[str, Any] = field(default_factory=lambda: FrozenMapping({}))

    @property
    def is_indicator(self) -> bool:
        """Whether this node is an indicator (a leaf)."""
        return self.kind == "indicator"


@dataclass(frozen=True, eq=False)
class Framework:
    """An immutable, validated indicator tree.

    Build one with :meth:`from_dict`, :meth:`from_table` or :meth:`from_toml`
    rather than calling the constructor.

    Parameters
    ----------
    nodes : sequence of Node
        Every node of the tree, in a stable order (children follow the order in
        which they were given).

    Codes are text: a whole-number code (``1`` or ``1.0``, as pandas reads a numeric code
    column) becomes ``"1"``, and a data column labelled ``1`` is that indicator's column.

    Raises
    ------
    FrameworkError
        If the tree is invalid: duplicate codes, a missing parent (named, before any
        check for a root, since a missing index row leaves none), a cycle,
        several roots, a childless aggregate, negative or non-finite weights,
        all-zero sibling weights or a direction other than +1/-1.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({
    ...     "code": "Index",
    ...     "children": [
    ...         {"code": "Aid", "weight": 2, "children": [{"code": "ODA"}, {"code": "Loans"}]},
    ...         {"code": "Opinion", "children": [{"code": "Trust"}]},
    ...     ],
    ... })
    >>> fw.indicators
    ('ODA', 'Loans', 'Trust')
    >>> fw.effective_weights().round(4).to_dict()
    {'ODA': 0.3333, 'Loans': 0.3333, 'Trust': 0.3333}
    """

    nodes: tuple[Node, ...]
    _by_code: Mapping[str, Node] = field(init=False, repr=False)
    _children: Mapping[str, tuple[str, ...]] = field(init=False, repr=False)
    _root: str = field(init=False, repr=False)
    _weight_sets: Mapping[str, Mapping[str, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        nodes, by_code, children, root = _validate(tuple(self.nodes))
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "_by_code", FrozenMapping(by_code))
        object.__setattr__(self, "_children", FrozenMapping(children))
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_weight_sets", FrozenMapping({}))

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Framework:
        """Build a framework from flat records, one per node.

        Parameters
        ----------
        records : iterable of mapping
            Each with ``code`` and ``parent`` (``None`` for the root), and
            optionally ``weight`` (default 1), ``direction`` (default +1),
            ``name``, ``level`` (checked if given) and any other metadata.

        Returns
        -------
        Framework
        """
        if isinstance(records, pd.DataFrame):
            raise SpindexTypeError(
                "Framework.from_records expects an iterable of mappings; got a DataFrame. Use "
                "Framework.from_table for a metadata table."
            )
        if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
            raise SpindexTypeError(
                "Framework.from_records expects an iterable of mappings, one per node. Got "
                f"{type(records).__name__} instead (for a nested tree use from_dict)."
            )
        raw = []
        for i, r in enumerate(records):
            if not isinstance(r, Mapping):
                raise SpindexTypeError(
                    f"Record number {i + 1} given to Framework.from_records is of type "
                    f"{type(r).__name__}, not a mapping; give one mapping (code, parent, ...) "
                    "per node."
                )
            raw.append(dict(r))
        if not raw:
            raise FrameworkError(
                "A framework needs at least one indicator and a root; got no nodes."
            )
        declared_levels: dict[str, int] = {}
        declared_types: dict[str, str] = {}
        parsed: list[dict[str, Any]] = []
        for i, rec in enumerate(raw):
            code = rec.pop("code", None)
            if _is_missing(code):
                raise FrameworkError(f"Node number {i + 1} has no code; every node needs one.")
            code = _code_text(code)
            parent = rec.pop("parent", None)
            parent = None if _is_missing(parent) else _code_text(parent)
            raw_weight = rec.pop("weight", None)
            # The root's weight plays no part in scoring, so a blank one is fine there.
            if parent is None and _is_missing(raw_weight):
                raw_weight = None
            weight = _parse_weight(code, raw_weight)
            direction = _parse_direction(code, rec.pop("direction", None))
            name = rec.pop("name", None)
            name = code if _is_missing(name) else str(name)
            level = rec.pop("level", None)
            if not _is_missing(level):
                try:
                    declared_levels[code] = int(level)
                except (TypeError, ValueError):
                    raise FrameworkError(
                        f"Node '{code}' has level {level!r}; a level must be a whole number."
                    ) from None
            declared_type = rec.pop("type", None)
            if not _is_missing(declared_type):
                declared_types[code] = str(declared_type).strip().lower()
            rec.pop("children", None)
            attrs = {k: v for k, v in rec.items() if not _is_missing(v)}
            parsed.append(
                {"code": code, "parent": parent, "weight": weight, "direction": direction,
                 "name": name, "attrs": attrs}
            )
        nodes = _build_nodes(parsed)
        fw = cls(nodes)
        for code, declared in declared_types.items():
            kind = fw.node(code).kind
            if declared in _TREE_TYPES and _TREE_TYPES[declared] != kind:
                if kind == "indicator":
                    raise FrameworkError(
                        f"Node '{code}' has Type 'Aggregate' but no node names it as its parent, "
                        "so it has no children to aggregate. Give it children (set their Parent "
                        f"to '{code}') or change its Type to 'Indicator'."
                    )
                raise FrameworkError(
                    f"Node '{code}' has Type 'Indicator' but is the parent of "
                    f"{_preview(fw.children(code))}. Change its Type to 'Aggregate' or fix the "
                    "Parent column of those nodes."
                )
        for code, level in declared_levels.items():
            actual = fw.node(code).level
            if level != actual:
                raise FrameworkError(
                    f"Node '{code}' is declared at level {level} but its place in the tree puts "
                    f"it at level {actual} (indicators are level 1, an aggregate one above its "
                    "highest child). Fix the Level column or the Parent column."
                )
        return fw

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Framework:
        """Build a framework from a nested or a flat dictionary.

        Parameters
        ----------
        spec : mapping
            Either a nested tree: the root as a mapping with ``code`` and
            ``children`` (each child a mapping of the same shape; leaves are
            indicators), plus optional ``weight``, ``direction``, ``name`` and
            metadata; or a flat mapping ``{"nodes": {code: {"parent": ..., ...}}}``
            (the root has no parent), which is also the layout of the TOML form.

        Returns
        -------
        Framework

        Examples
        --------
        >>> fw = Framework.from_dict({"nodes": {
        ...     "Index": {},
        ...     "Price": {"parent": "Index", "direction": -1},
        ...     "Quality": {"parent": "Index", "weight": 3},
        ... }})
        >>> float(fw.normalized_weights()["Quality"])
        0.75
        """
        if not isinstance(spec, Mapping):
            raise SpindexTypeError(
                "Framework.from_dict expects a mapping (a nested tree or {'nodes': {...}}); got "
                f"{type(spec).__name__}. For a list of records use Framework.from_records, for "
                "a table Framework.from_table."
            )
        if "nodes" in spec:
            nodes = spec["nodes"]
            if not isinstance(nodes, Mapping):
                raise SpindexTypeError("The 'nodes' entry must map each code to its attributes.")
            records = []
            for code, attrs in nodes.items():
                if attrs is None:
                    attrs = {}
                if not isinstance(attrs, Mapping):
                    raise SpindexTypeError(
                        f"The attributes of node '{code}' must be a mapping; got {attrs!r}."
                    )
                records.append({"code": code, **attrs})
            return cls.from_records(records)
        if "code" not in spec:
            raise FrameworkError(
                "Framework.from_dict needs either a nested tree (a root with 'code' and "
                "'children') or a flat {'nodes': {code: {...}}} mapping."
            )
        records = []

        def walk(node: Mapping[str, Any], parent: str | None) -> None:
            if not isinstance(node, Mapping):
                raise SpindexTypeError(f"Every node must be a mapping; got {node!r}.")
            rec = {k: v for k, v in node.items() if k != "children"}
            rec["parent"] = parent
            records.append(rec)
            children = node.get("children")
            if children is None:
                return
            if isinstance(children, (Mapping, str)):
                raise SpindexTypeError(
                    f"The children of node '{node.get('code')}' must be a list of nodes."
                )
            if len(children) == 0:
                raise FrameworkError(
                    f"Aggregate '{node.get('code')}' has an empty 'children' list; give it "
                    "children or drop the key to make it an indicator."
                )
            for child in children:
                walk(child, str(node.get("code")))

        walk(spec, None)
        return cls.from_records(records)

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Framework:
        """Build a framework from a metadata table, one row per node.

        Accepts COINr's ``iMeta`` table as it is (columns ``Level, iCode, iName,
        Direction, Weight, Unit, Target, Denominator, Parent, Type``; rows whose
        ``Type`` is neither ``Indicator`` nor ``Aggregate`` are not part of the
        tree and are skipped; a blank ``Type`` is refused) as well as lower-case
        tables with columns ``code, parent, weight, direction, name`` and any
        further metadata columns.

        Parameters
        ----------
        table : pandas.DataFrame
            The metadata table.

        Returns
        -------
        Framework
            Further columns become node metadata under their lower-case names
            (``unit``, ``target``, ``denominator``, ...).

        Raises
        ------
        SpindexTypeError
            If ``table`` is not a DataFrame.
        FrameworkError
            If a required column is missing or the tree is invalid, or a weight is
            missing, negative, infinite, complex or not a number. A node whose parent's
            row was skipped for its ``Type`` is named with that Type; a row of Type
            ``Aggregate`` that no node names as its parent, or of Type ``Indicator``
            that has children, is refused.

        Notes
        -----
        ``NaN``, ``None``, ``pd.NA`` (nullable ``Int64``/``Float64`` columns) and blank
        cells are all missing: a missing weight is refused (only the root may have
        none), a missing direction is +1. Weights written as text (``"0.5"``, as read
        from a CSV file) are parsed; a categorical column is read as its values.
        """
        if not isinstance(table, pd.DataFrame):
            raise SpindexTypeError(
                "Framework.from_table expects a pandas DataFrame with one row per node; got "
                f"{type(table).__name__}. For a mapping use Framework.from_dict, for a list of "
                "records Framework.from_records."
            )
        renamed: dict[str, str] = {}
        for col in table.columns:
            key = str(col).strip()
            target = _COLUMN_ALIASES.get(key.lower(), key.lower())
            if target in renamed.values():
                raise FrameworkError(
                    f"The framework table has two columns for '{target}' (one is '{col}'); "
                    "keep one."
                )
            renamed[col] = target
        df = table.rename(columns=renamed)
        for required in ("code", "parent"):
            if required not in df.columns:
                raise FrameworkError(
                    f"The framework table has no '{required}' column. Expected COINr's iMeta "
                    "columns (iCode, Parent, Weight, Direction, ...) or ours (code, parent, "
                    f"weight, direction, ...); got {list(table.columns)}."
                )
        skipped: dict[str, object] = {}
        if "type" in df.columns:
            types = df["type"].map(
                lambda t: None if _is_missing(t) or t is pd.NA else str(t).strip().lower())
            keep = types.isin(list(_TREE_TYPES))
            # A blank Type is a row someone forgot to classify, not a row to leave out: its
            # node would silently vanish from the index.
            blank = types.isna() & ~df["code"].map(lambda c: _is_missing(c) or c is pd.NA)
            if blank.any():
                unclassified = [_code_text(c) for c in df["code"][blank]]
                raise FrameworkError(
                    f"Node(s) {_preview(unclassified)} have a blank Type. Set it to "
                    "'Indicator' or 'Aggregate', or to another word (e.g. 'Group') for a row "
                    "that is not part of the tree."
                )
            skipped = {
                _code_text(c): repr(str(t).strip())
                for c, t in zip(df["code"][~keep], df["type"][~keep], strict=True)
                if not _is_missing(c)
            }
            df = df[keep]
        if skipped:
            kept_codes = {_code_text(c) for c in df["code"] if not _is_missing(c)}
            for parent in df["parent"]:
                if _is_missing(parent):
                    continue
                parent_code = _code_text(parent)
                if parent_code in skipped and parent_code not in kept_codes:
                    below = [_code_text(c) for c, q in zip(df["code"], df["parent"], strict=True)
                             if not _is_missing(q) and _code_text(q) == parent_code]
                    raise FrameworkError(
                        f"Node '{parent_code}', the parent of {_preview(below)}, has Type "
                        f"{skipped[parent_code]}, so its row is skipped (only Indicator and "
                        f"Aggregate rows are part of the tree). Set the Type of '{parent_code}' "
                        "to 'Aggregate'."
                    )
        if "weight" in df.columns:
            # A blank weight must stay NaN so that it is reported, not defaulted to 1: a
            # nullable column's <NA> would otherwise reach the records as None.
            weight = df["weight"].astype(object)
            df = df.assign(weight=weight.where(weight.notna(), np.nan))
        # A blank weight must stay NaN so that it is reported, not defaulted to 1.
        records: list[dict[str, Any]] = [
            {str(k): (None if _is_missing(v) and k != "weight" else v) for k, v in row.items()}
            for row in df.to_dict(orient="records")
        ]
        for rec in records:
            for key, value in list(rec.items()):
                if isinstance(value, np.generic):
                    rec[key] = value.item()
        return cls.from_records(records)

    @classmethod
    def from_toml(cls, path: str | PathLike[str]) -> Framework:
        """Build a framework from a TOML file.

        The file holds either a flat ``[nodes.CODE]`` table per node (with
        ``parent``, ``weight``, ``direction``, ``name`` and metadata keys) or a
        nested ``[root]`` table with ``code`` and ``[[root.children]]``.

        Parameters
        ----------
        path : path-like
            The TOML file (UTF-8).

        Returns
        -------
        Framework

        Raises
        ------
        SpindexTypeError
            If ``path`` is not a str or path-like.
        FrameworkError
            If the file does not exist, is not valid TOML or describes an invalid tree
            (the message names the file).
        DataError
            If the path is a directory, cannot be read, or is not UTF-8 text.
        """
        if not isinstance(path, (str, PathLike)):
            raise SpindexTypeError(
                "Framework.from_toml expects the path of a TOML file (a str or a Path). Got "
                f"{type(path).__name__} instead."
            )
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            raise FrameworkError(f"Framework file not found: {path}") from None
        except IsADirectoryError:
            raise DataError(
                f"Framework file {path} is a directory; give the path of a TOML file."
            ) from None
        except OSError as exc:
            raise DataError(f"Cannot read framework file {path}: {exc.strerror or exc}.") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(
                f"Framework file {path} is not UTF-8 text (byte {exc.start} is "
                f"{raw[exc.start]:#04x}); TOML files must be UTF-8. Save it as UTF-8, or give a "
                "CSV or Excel table to load_framework."
            ) from None
        try:
            spec = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FrameworkError(f"Framework file {path} is not valid TOML: {exc}") from None
        try:
            return cls._from_toml_spec(spec)
        except SpindexError as exc:
            raise type(exc)(f"Framework file {path}: {exc}") from None

    @classmethod
    def _from_toml_spec(cls, spec: Mapping[str, Any]) -> Framework:
        if "nodes" in spec:
            return cls.from_dict({"nodes": spec["nodes"]})
        if "root" in spec:
            return cls.from_dict(spec["root"])
        raise FrameworkError(
            "It must contain a [nodes.CODE] table per node or a nested [root] table; found "
            f"{_preview(list(spec)) or 'nothing'}."
        )

    # --------------------------------------------------------------- inspection
    @property
    def root(self) -> str:
        """Code of the root node (the index)."""
        return self._root

    @property
    def codes(self) -> tuple[str, ...]:
        """Codes of every node: indicators first, then aggregates level by level."""
        return tuple(n.code for n in self.nodes)

    @property
    def indicators(self) -> tuple[str, ...]:
        """Codes of the indicators (leaves), in framework order."""
        return tuple(n.code for n in self.nodes if n.is_indicator)

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Codes of the aggregates in the order they are computed (lowest level first)."""
        return tuple(n.code for n in self.nodes if not n.is_indicator)

    @property
    def n_levels(self) -> int:
        """Number of levels (the root's level)."""
        return self._by_code[self._root].level

    def node(self, code: str) -> Node:
        """The node with this code.

        Raises
        ------
        FrameworkError
            If no node has that code.
        """
        try:
            return self._by_code[code]
        except KeyError:
            raise FrameworkError(
                f"'{code}' is not a node of this framework; known nodes: "
                f"{_preview(self.codes)}."
            ) from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def children(self, code: str) -> tuple[str, ...]:
        """Codes of the children of a node (empty for an indicator)."""
        self.node(code)
        return self._children.get(code, ())

    def parent(self, code: str) -> str | None:
        """Code of the parent of a node (``None`` for the root)."""
        return self.node(code).parent

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes from the node's parent up to the root."""
        out = []
        parent = self.node(code).parent
        while parent is not None:
            out.append(parent)
            parent = self._by_code[parent].parent
        return tuple(out)

    def descendants(self, code: str, *, indicators_only: bool = False) -> tuple[str, ...]:
        """Codes of every node below ``code`` in framework order."""
        self.node(code)
        below: set[str] = set()
        stack = list(self._children.get(code, ()))
        while stack:
            c = stack.pop()
            below.add(c)
            stack.extend(self._children.get(c, ()))
        return tuple(
            n.code for n in self.nodes
            if n.code in below and (n.is_indicator or not indicators_only)
        )

    def level(self, level: int | str) -> tuple[str, ...]:
        """Codes of the nodes at a level (1 = indicators).

        Parameters
        ----------
        level : int or str
            A level number, or ``"indicators"`` / ``"root"``. Negative numbers
            count from the top (-1 is the root's level).
        """
        lv = self._resolve_level(level)
        return tuple(n.code for n in self.nodes if n.level == lv)

    def _resolve_level(self, level: int | str) -> int:
        if isinstance(level, str):
            if level == "indicators":
                return 1
            if level == "root":
                return self.n_levels
            raise FrameworkError(
                f"Unknown level {level!r}: use a number from 1 to {self.n_levels}, "
                "'indicators' or 'root'."
            )
        if isinstance(level, bool) or not isinstance(level, (int, np.integer)):
            raise SpindexTypeError(f"A level must be an int or a name; got {level!r}.")
        lv = int(level)
        if lv < 0:
            lv = self.n_levels + 1 + lv
        if not 1 <= lv <= self.n_levels:
            raise FrameworkError(
                f"Level {level} does not exist: this framework has levels 1 to {self.n_levels}."
            )
        return lv

    @property
    def weights(self) -> pd.Series:
        """Raw weight of every node, relative to its siblings (the root's is 1)."""
        return pd.Series({n.code: n.weight for n in self.nodes}, name="weight", dtype=float)

    @property
    def directions(self) -> pd.Series:
        """Direction (+1/-1) of every indicator."""
        return pd.Series(
            {n.code: n.direction for n in self.nodes if n.is_indicator},
            name="direction", dtype=int,
        )

    def normalized_weights(self) -> pd.Series:
        """Weights divided by the sum over their siblings (the root gets 1)."""
        out: dict[str, float] = {}
        for n in self.nodes:
            if n.parent is None:
                out[n.code] = 1.0
                continue
            siblings = [self._by_code[s].weight for s in self._children[n.parent]]
            # Scaled by a power of two (exact) so that a sum of huge weights cannot overflow.
            _, exponent = math.frexp(max(siblings))
            total = sum(math.ldexp(w, -exponent) for w in siblings)
            out[n.code] = math.ldexp(n.weight, -exponent) / total
        return pd.Series(out, name="weight", dtype=float)

    def effective_weights(self, level: int | str = 1) -> pd.Series:
        """Share of each node of a level in the index: the product of normalised weights
        from the node up to the root.

        For an arithmetic aggregation without missing values the index equals the
        sum of effective weights times normalised indicator values.

        Parameters
        ----------
        level : int or str, default 1
            Level whose nodes to return (1 = indicators), or ``"all"`` for every
            node of the tree in framework order (the root's is 1; the nodes of
            each level sum to 1).
        """
        nw = self.normalized_weights()
        out = {}
        for code in self.codes if level == "all" else self.level(level):
            w = nw[code]
            for a in self.ancestors(code):
                w *= nw[a]
            out[code] = w
        return pd.Series(out, name="effective_weight", dtype=float)

    def attribute(self, key: str, *, nodes: Sequence[str] | None = None) -> pd.Series:
        """A metadata attribute (for example ``"unit"`` or ``"target"``) for each node.

        Nodes without it get ``NaN``/``None``.
        """
        codes = self.codes if nodes is None else tuple(nodes)
        return pd.Series({c: self.node(c).attrs.get(key) for c in codes}, name=key)

    def to_table(self) -> pd.DataFrame:
        """The framework as a metadata table with lower-case columns, one row per node."""
        rows = []
        for n in self.nodes:
            rows.append({
                "code": n.code, "parent": n.parent, "level": n.level, "type": n.kind,
                "weight": n.weight, "direction": n.direction, "name": n.name, **dict(n.attrs),
            })
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ changes
    def with_weights(
        self,
        weights: Mapping[str, float] | pd.Series | Sequence[float] | float,
        *,
        level: int | str | None = None,
        node: str | None = None,
    ) -> Framework:
        """A copy with other weights.

        Parameters
        ----------
        weights : mapping, Series, sequence or float
            New weights. A mapping or Series sets the nodes it names (any subset
            of the framework, or the whole set). With ``level``, a single number
            gives every node of that level the same weight. With ``node``, a
            sequence gives the weights of that node's children in order.
        level : int or str, optional
            Restrict the change to nodes of this level; codes outside it raise.
        node : str, optional
            Set the weights of this node's children.

        Returns
        -------
        Framework
            A new framework; this one is unchanged.

        Raises
        ------
        FrameworkError
            For unknown codes, codes outside the chosen level or node, or invalid
            weights (negative, non-finite, all zero among siblings).
        """
        if level is not None and node is not None:
            raise FrameworkError("Give either 'level' or 'node' to with_weights, not both.")
        scope: tuple[str, ...] | None = None
        if level is not None:
            scope = self.level(level)
        elif node is not None:
            scope = self.children(node)
            if not scope:
                raise FrameworkError(f"Node '{node}' is an indicator: it has no child weights.")
        if isinstance(weights, (int, float, np.number)) and not isinstance(weights, bool):
            if scope is None:
                raise FrameworkError(
                    "A single weight needs 'level' or 'node' to say which weights it sets."
                )
            new = dict.fromkeys(scope, weights)  # parsed (and checked) by _parse_weight
        elif isinstance(weights, (Mapping, pd.Series)):
            # A Series with a repeated label (or keys 1 and "1") would keep one of the two
            # values in silence.
            new = {str(k): v for k, v in keyed_items(
                weights, "The weights given to with_weights", FrameworkError)}
        elif isinstance(weights, Sequence) and not isinstance(weights, str):
            if node is None:
                raise FrameworkError(
                    "A list of weights needs 'node' (the weights of its children, in order); "
                    "otherwise pass a mapping from code to weight."
                )
            assert scope is not None
            if len(weights) != len(scope):
                raise FrameworkError(
                    f"Node '{node}' has {len(scope)} children {list(scope)} but "
                    f"{len(weights)} weights were given."
                )
            new = dict(zip(scope, weights, strict=True))
        else:
            raise SpindexTypeError(
                f"Weights must be a mapping, a Series, a list or a number; got "
                f"{type(weights).__name__}."
            )
        for code in new:
            if code not in self._by_code:
                raise FrameworkError(
                    f"Cannot set the weight of '{code}': it is not a node of this framework."
                    f"{suggest(code, self._by_code)}"
                )
            if scope is not None and code not in scope:
                where = f"level {level}" if level is not None else f"the children of '{node}'"
                raise FrameworkError(f"'{code}' is not among {where}.")
        nodes = tuple(
            replace(n, weight=_parse_weight(n.code, new[n.code])) if n.code in new else n
            for n in self.nodes
        )
        return self._keep_weight_sets(Framework(nodes))

    # ------------------------------------------------------------------ weight sets
    @property
    def weight_sets(self) -> pd.DataFrame:
        """The named weight sets: one column per set, one row per node (the root excluded).

        A set stores a weight for every node that existed when it was made; a
        node added later shows ``NaN`` and keeps its current weight when the set
        is used. The active weights are :attr:`weights`.
        """
        codes = [c for c in self.codes if c != self._root]
        return pd.DataFrame(
            {name: pd.Series(dict(ws), dtype=float).reindex(codes)
             for name, ws in self._weight_sets.items()},
            index=pd.Index(codes), dtype=float,
        )

    def weight_set(self, name: str) -> pd.Series:
        """The weights of one named set, keyed by code (only the nodes it covers)."""
        try:
            ws = self._weight_sets[name]
        except KeyError:
            known = ", ".join(repr(k) for k in self._weight_sets) or "none"
            raise FrameworkError(
                f"This framework has no weight set named {name!r}; known sets: {known}. "
                "Add one with with_weight_set(name, weights)."
            ) from None
        return pd.Series(dict(ws), name=name, dtype=float)

    def with_weight_set(
        self,
        name: str,
        weights: Mapping[str, float] | pd.Series | Sequence[float] | float,
        *,
        level: int | str | None = None,
        node: str | None = None,
    ) -> Framework:
        """A copy that also stores a named alternative weight set (the active weights unchanged).

        Parameters
        ----------
        name : str
            Name of the set; an existing set of that name is replaced.
        weights, level, node
            As for :meth:`with_weights`. Nodes the weights do not name keep
            their current weight in the set, so a set is a complete snapshot and
            overriding one level or node leaves the others alone.

        Returns
        -------
        Framework

        Raises
        ------
        FrameworkError
            For an empty name or weights :meth:`with_weights` would refuse
            (unknown codes, negative values, all-zero siblings).

        Examples
        --------
        >>> fw = Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
        >>> fw = fw.with_weight_set("expert", {"a": 3.0})
        >>> fw.weight_sets["expert"].to_dict()
        {'a': 3.0, 'b': 1.0}
        >>> float(fw.use_weight_set("expert").normalized_weights()["a"])
        0.75
        """
        if not isinstance(name, str) or not name.strip():
            raise FrameworkError(f"A weight set needs a non-empty name; got {name!r}.")
        candidate = self.with_weights(weights, level=level, node=node)
        snapshot = {n.code: n.weight for n in candidate.nodes if n.code != self._root}
        sets = {**self._weight_sets, name: FrozenMapping(snapshot)}
        return self._keep_weight_sets(Framework(self.nodes), sets)

    def use_weight_set(self, name: str) -> Framework:
        """A copy whose active weights are those of a named set (the sets are kept).

        Raises
        ------
        FrameworkError
            If there is no set of that name.
        """
        return self.with_weights(self.weight_set(name))

    def without_weight_set(self, name: str) -> Framework:
        """A copy without a named weight set."""
        self.weight_set(name)
        sets = {k: v for k, v in self._weight_sets.items() if k != name}
        return self._keep_weight_sets(Framework(self.nodes), sets)

    def _keep_weight_sets(
        self, other: Framework, sets: Mapping[str, Mapping[str, float]] | None = None
    ) -> Framework:
        """Give ``other`` (a fresh copy) this framework's weight sets, or ``sets``."""
        chosen = self._weight_sets if sets is None else sets
        object.__setattr__(other, "_weight_sets", FrozenMapping(dict(chosen)))
        return other

    def drop(self, *codes: str) -> Framework:
        """A copy without the given nodes (and everything below them).

        Aggregates left without children are dropped too.

        Raises
        ------
        FrameworkError
            If a code is unknown, is the root, or nothing would be left.
        """
        gone: set[str] = set()
        for code in codes:
            self.node(code)
            if code == self._root:
                raise FrameworkError("Cannot drop the root of a framework.")
            gone.add(code)
            gone.update(self.descendants(code))
        changed = True
        while changed:
            changed = False
            for n in self.nodes:
                if n.code in gone or n.is_indicator:
                    continue
                if all(c in gone for c in self._children[n.code]):
                    if n.code == self._root:
                        raise FrameworkError("Dropping these nodes would leave an empty framework.")
                    gone.add(n.code)
                    changed = True
        records = [_node_record(n) for n in self.nodes if n.code not in gone]
        smaller = Framework.from_records(records)
        sets = {}
        for set_name, ws in self._weight_sets.items():
            kept = {c: w for c, w in ws.items() if c in smaller}
            try:
                smaller.with_weights(kept)
            except FrameworkError as err:
                raise FrameworkError(
                    f"After the drop, the weight set {set_name!r} is invalid: {err} Remove it "
                    "first with without_weight_set."
                ) from None
            sets[set_name] = FrozenMapping(kept)
        return self._keep_weight_sets(smaller, sets)

    def add(
        self,
        code: str,
        parent: str,
        *,
        weight: float = 1.0,
        direction: int = 1,
        name: str | None = None,
        **attrs: Any,
    ) -> Framework:
        """A copy with one more indicator under an existing aggregate.

        Parameters
        ----------
        code, parent : str
            The new indicator's code and the aggregate it belongs to.
        weight, direction, name, **attrs
            As for any node.
        """
        parent_node = self.node(parent)
        if parent_node.is_indicator:
            raise FrameworkError(
                f"Cannot add '{code}' under '{parent}': '{parent}' is an indicator, not an "
                "aggregate."
            )
        records = [_node_record(n) for n in self.nodes]
        records.append({"code": code, "parent": parent, "weight": weight,
                        "direction": direction, "name": name, **attrs})
        return self._keep_weight_sets(Framework.from_records(records))

    # ------------------------------------------------------------------ display
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Framework):
            return NotImplemented
        return self.nodes == other.nodes and self._weight_sets == other._weight_sets

    def __hash__(self) -> int:
        return hash(tuple((n.code, n.parent, n.weight, n.direction) for n in self.nodes))

    def __repr__(self) -> str:
        per_level = ", ".join(
            f"{len(self.level(lv))} at level {lv}" for lv in range(1, self.n_levels + 1)
        )
        sets = ""
        if self._weight_sets:
            sets = "; weight sets: " + ", ".join(repr(k) for k in self._weight_sets)
        return f"<Framework root='{self._root}': {len(self.nodes)} nodes ({per_level}){sets}>"

    def tree(self) -> str:
        """A text drawing of the tree with normalised weights and directions."""
        nw = self.normalized_weights()
        lines: list[str] = []

        def walk(code: str, prefix: str, last: bool, top: bool) -> None:
            n = self._by_code[code]
            tag = "" if not n.is_indicator else (" (-)" if n.direction < 0 else "")
            branch = "" if top else ("`-- " if last else "|-- ")
            lines.append(f"{prefix}{branch}{code}{tag}  w={nw[code]:.3g}")
            kids = self._children.get(code, ())
            ext = "" if top else ("    " if last else "|   ")
            for i, k in enumerate(kids):
                walk(k, prefix + ext, i == len(kids) - 1, False)

        walk(self._root, "", True, True)
        return "\n".join(lines)


# ---------------------------------------------------------------------- helpers
def _preview(codes: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(c) for c in codes[:limit])
    return shown + (f", ... ({len(codes)} in all)" if len(codes) > limit else "")


def _node_record(n: Node) -> dict[str, Any]:
    return {"code": n.code, "parent": n.parent, "weight": n.weight,
            "direction": n.direction, "name": n.name, **dict(n.attrs)}


def _parse_weight(code: str, value: Any) -> float:
    if _is_missing(value) and value is not None:
        raise FrameworkError(
            f"Node '{code}' has a missing (NaN) weight; give a non-negative number."
        )
    if value is None:
        return 1.0
    if isinstance(value, bool | np.bool_ | complex | np.complexfloating):
        raise FrameworkError(
            f"Node '{code}' has weight {value!r}; a weight must be a real number."
        )
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise FrameworkError(
            f"Node '{code}' has weight {value!r}; a weight must be a number."
        ) from None
    if not math.isfinite(w):
        raise FrameworkError(f"Node '{code}' has weight {w}; a weight must be finite.")
    if w < 0:
        raise FrameworkError(
            f"Node '{code}' has negative weight {w}; weights must be >= 0 "
            "(use direction -1 to reverse an indicator)."
        )
    return w


def _parse_direction(code: str, value: Any) -> int:
    if value is None or _is_missing(value):
        return 1
    try:
        d = float(value)
    except (TypeError, ValueError):
        d = math.nan
    if d not in (1.0, -1.0) or isinstance(value, bool):
        raise FrameworkError(
            f"Node '{code}' has direction {value!r}; a direction must be 1 (more is better) "
            "or -1 (less is better)."
        )
    return int(d)


def _build_nodes(parsed: list[dict[str, Any]]) -> tuple[Node, ...]:
    """Turn parsed records into nodes (kind and level are derived later in _validate)."""
    return tuple(
        Node(code=p["code"], parent=p["parent"], weight=p["weight"], direction=p["direction"],
             name=p["name"], kind="indicator", level=1, attrs=FrozenMapping(p["attrs"]))
        for p in parsed
    )


def _validate(
    nodes: tuple[Node, ...],
) -> tuple[tuple[Node, ...], dict[str, Node], dict[str, tuple[str, ...]], str]:
    if not nodes:
        raise FrameworkError("A framework needs at least one indicator and a root; got no nodes.")
    by_code: dict[str, Node] = {}
    for n in nodes:
        if not isinstance(n, Node):
            raise SpindexTypeError(f"Framework nodes must be Node objects; got {n!r}.")
        if n.code in by_code:
            raise FrameworkError(f"Duplicate code '{n.code}': every node needs a unique code.")
        by_code[n.code] = n
    # A parent that is not a node is reported before the roots are counted: a missing index
    # row leaves no root, which is otherwise indistinguishable from a cycle.
    orphans: dict[str, list[str]] = {}
    for n in nodes:
        if n.parent is not None and n.parent not in by_code:
            orphans.setdefault(n.parent, []).append(n.code)
    if orphans:
        parent, below = next(iter(orphans.items()))
        others = ""
        if len(orphans) > 1:
            others = f" (other missing parents: {_preview(list(orphans)[1:])})"
        if len(orphans) == 1 and len(below) == 1 and all(n.parent is not None for n in nodes):
            # No root at all and one node pointing outside the tree: most likely the index
            # itself was given a parent.
            fix = (f"If '{below[0]}' is the index, leave its parent empty; otherwise add a row "
                   f"for '{parent}'.")
        else:
            fix = (f"Add a row for '{parent}' (with an empty parent if it is the index) or fix "
                   "the parent column.")
        raise FrameworkError(
            f"Node(s) {_preview(below)} have parent '{parent}', which is not a node of the "
            f"framework{others}. {fix}"
        )
    roots = [n.code for n in nodes if n.parent is None]
    if not roots:
        raise FrameworkError(
            "The framework has no root: every node has a parent, so the tree contains a cycle. "
            "Give the index node an empty parent."
        )
    if len(roots) > 1:
        raise FrameworkError(
            f"The framework has several roots ({_preview(roots)}): exactly one node (the index) "
            "may have no parent."
        )
    children: dict[str, list[str]] = {}
    for n in nodes:
        if n.parent is None:
            continue
        if n.parent == n.code:
            raise FrameworkError(f"Node '{n.code}' is its own parent.")
        children.setdefault(n.parent, []).append(n.code)
    root = roots[0]
    # Every node must reach the root; one that does not sits on a cycle.
    reached: set[str] = set()
    stack = [root]
    while stack:
        c = stack.pop()
        reached.add(c)
        stack.extend(children.get(c, ()))
    if len(reached) != len(nodes):
        loop = [n.code for n in nodes if n.code not in reached]
        raise FrameworkError(
            f"The parents of {_preview(loop)} form a cycle: they never lead to the root "
            f"'{root}'."
        )
    if root not in children:
        raise FrameworkError(
            f"The root '{root}' has no children: a framework needs at least one indicator."
        )
    levels: dict[str, int] = {}

    def height(code: str) -> int:
        if code in levels:
            return levels[code]
        kids = children.get(code)
        levels[code] = 1 if not kids else 1 + max(height(k) for k in kids)
        return levels[code]

    for code in by_code:
        height(code)
    for parent, kids in children.items():
        total = max(by_code[k].weight for k in kids)
        if total <= 0:
            raise FrameworkError(
                f"All the weights of the children of '{parent}' ({_preview(kids)}) are zero; "
                "at least one must be positive."
            )
    finished: list[Node] = []
    for n in nodes:
        kind: NodeKind = "aggregate" if n.code in children else "indicator"
        if kind == "aggregate" and n.direction != 1:
            raise FrameworkError(
                f"Aggregate '{n.code}' has direction {n.direction}; only indicators can be "
                "reversed. Set the direction of its indicators instead."
            )
        finished.append(replace(n, kind=kind, level=levels[n.code]))
    # Indicators first, then aggregates from the lowest level up, each group in input order.
    order = sorted(range(len(finished)), key=lambda i: (finished[i].level, i))
    ordered = tuple(finished[i] for i in order)
    by_code = {n.code: n for n in ordered}
    kids_ordered = {p: tuple(k) for p, k in children.items()}
    return ordered, by_code, kids_ordered, root
