"""FP-Growth with pandas and mlxtend over the same baskets as the recommendations stage.

What a Python user would pick instead of the pipeline's mining: the clean transaction lines
(basket_id, product_id, transaction_date) and the catalogue, both as Parquet (bin/bench has DuckDB
write them from the same landing files), become baskets of items at the stage's item level, exactly
as the stage builds them: only lines up to the mining's cut-off date (the logical date less the
hold-out days), lines whose product has no item left out, a basket is the set of its items, and
baskets with more than max-basket-size items are not mined (nor counted in the support).

Both the stage (counting level by level, the itemsets Spark's FP-Growth finds) and mlxtend keep an
itemset seen in at least the minimum number of baskets (a fraction of the baskets rounded up, or a
count "N baskets"), and both stop at max-antecedent-size + 1 items (mlxtend's max_len). Rules have
one item as consequent and are kept as the stage keeps them (BasketMining): an antecedent of at most
max-antecedent-size items, a lift above min-lift, a confidence of at least min-confidence (or
antecedent and consequent together in at least "N baskets"); past max-rules, the minimum support is
raised to the smallest basket count that keeps at most max-rules rules (and the itemsets below it
are dropped); last, each antecedent keeps its best max-rules-per-antecedent rules (confidence, then
lift, then consequent). mlxtend divides support fractions, which can round a rule exactly at a
threshold to the wrong side, so each rule is decided from the integer basket counts with Spark's own
formulas (confidence = together / antecedent, lift = confidence / (consequent / baskets)).

usage: mine_baskets.py --lines F --products F --level L --cutoff YYYY-MM-DD --min-support T
         --min-confidence T --min-lift X --max-antecedent-size N --max-rules-per-antecedent N
         --max-rules N --max-basket-size N --out DIR
       mine_baskets.py --self-check
T is a fraction of the baskets (0.0002) or a count ("10 baskets"). Writes OUT_DIR/mlxtend.properties
(baskets, itemsets, rules, the support used in baskets, and the timings) and OUT_DIR/itemsets.csv
(each itemset's items joined by '|', sorted, and its basket count).
"""

import argparse
import datetime as dt
import re
import sys
import time
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

STARTED = time.monotonic()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mlxtend.frequent_patterns import association_rules, fpgrowth  # noqa: E402
from scipy import sparse  # noqa: E402

LEVELS = ("product", "product_type", "product_category")
COUNT = re.compile(r"(\d+)\s*baskets?")


@dataclass(frozen=True)
class Threshold:
    """A fraction of the baskets (kept as the decimal written) or a number of baskets."""

    fraction: Decimal | None = None
    count: int = 0

    @staticmethod
    def parse(text: str) -> "Threshold":
        m = COUNT.fullmatch(text.strip())
        if m:
            if int(m.group(1)) < 1:
                raise ValueError(f"a count of baskets is at least 1 (got {text})")
            return Threshold(count=int(m.group(1)))
        value = Decimal(text.strip())
        if not 0 < value <= 1:
            raise ValueError(f"a fraction is in (0, 1] (got {text})")
        return Threshold(fraction=value)

    def min_baskets(self, total: int) -> int:
        """The count itself, or the fraction of the total rounded up (at least 1)."""
        if self.fraction is None:
            return self.count
        return max(1, int((self.fraction * total).to_integral_value(rounding=ROUND_CEILING)))


@dataclass(frozen=True)
class Mining:
    """The recommendations.* mining settings."""

    min_support: Threshold
    min_confidence: Threshold
    min_lift: float = 1.0
    max_antecedent_size: int = 2
    max_rules_per_antecedent: int = 10
    max_rules: int = 100000


def baskets(
    lines: pd.DataFrame, products: pd.DataFrame, level: str, max_size: int, cutoff: dt.date
) -> pd.Series:
    """The distinct items of each basket up to the cut-off, baskets of more than max_size left out."""
    lines = lines[lines["transaction_date"] <= cutoff]
    if level == "product":
        items = lines.assign(item=lines["product_id"].astype("string"))
    else:
        items = lines.merge(products[["product_id", level]], on="product_id", how="left")
        items = items.rename(columns={level: "item"})
    items = items.dropna(subset=["item"]).drop_duplicates(["basket_id", "item"])
    sizes = items.groupby("basket_id")["item"].transform("size")
    items = items[sizes <= max_size]
    return items.groupby("basket_id")["item"].agg(lambda s: sorted(s))


def one_hot(basket_items: pd.Series) -> pd.DataFrame:
    """A sparse boolean basket x item frame, the input mlxtend's fpgrowth takes."""
    exploded = basket_items.explode()
    rows = pd.factorize(exploded.index)[0]
    cols, names = pd.factorize(exploded.to_numpy())
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(len(basket_items), len(names))
    )
    return pd.DataFrame.sparse.from_spmatrix(matrix, columns=list(names))


def mine(basket_items: pd.Series, m: Mining):
    """Frequent itemsets (with their basket counts), the kept rules, and the support used (baskets)."""
    n = len(basket_items)
    no_rules = pd.DataFrame(columns=["antecedent", "consequent", "baskets", "confidence", "lift"])
    if n == 0:
        return pd.DataFrame(columns=["itemsets", "count"]), no_rules, m.min_support.min_baskets(0)
    support = m.min_support.min_baskets(n)
    # fpgrowth keeps count >= ceil(min_support * n): half a basket below the count, as the stage.
    # Like the stage, itemsets longer than a kept rule's antecedent and consequent are not mined.
    itemsets = fpgrowth(
        one_hot(basket_items),
        min_support=min(1.0, (support - 0.5) / n),
        use_colnames=True,
        max_len=m.max_antecedent_size + 1,
    )
    itemsets["count"] = (itemsets["support"] * n).round().astype("int64")
    if itemsets.empty or itemsets["itemsets"].map(len).max() < 2:
        return itemsets, no_rules, support
    confidence = m.min_confidence
    candidates = association_rules(
        itemsets[["support", "itemsets"]],
        num_itemsets=n,
        metric="confidence",
        min_threshold=0.0 if confidence.fraction is None else float(confidence.fraction) * (1 - 1e-9),
    )
    candidates = candidates[candidates["consequents"].map(len) == 1]
    rules = kept_rules(candidates, dict(zip(itemsets["itemsets"], itemsets["count"], strict=True)), n, m)
    if len(rules) > m.max_rules:
        support = support_for_limit(rules["baskets"], m.max_rules)
        rules = rules[rules["baskets"] >= support]
        itemsets = itemsets[itemsets["count"] >= support]
    return itemsets, per_antecedent(rules, m.max_rules_per_antecedent), support


def kept_rules(candidates: pd.DataFrame, count: dict, n: int, m: Mining) -> pd.DataFrame:
    """The rules that meet the criteria, with the stage's basket counts, confidence and lift."""
    antecedents = list(candidates["antecedents"])
    consequents = [next(iter(c)) for c in candidates["consequents"]]
    together = np.array([count[a | c] for a, c in zip(antecedents, candidates["consequents"], strict=True)])
    alone = np.array([count[a] for a in antecedents], dtype=float)
    consequent = np.array([count[frozenset([c])] for c in consequents], dtype=float)
    conf = together / alone
    rules = pd.DataFrame(
        {
            "antecedent": ["|".join(sorted(a)) for a in antecedents],
            "size": [len(a) for a in antecedents],
            "consequent": consequents,
            "baskets": together.astype("int64"),
            "confidence": conf,
            "lift": conf / (consequent / n),
        }
    )
    c = m.min_confidence
    meets = rules["baskets"] >= c.count if c.fraction is None else rules["confidence"] >= float(c.fraction)
    keep = (rules["size"] <= m.max_antecedent_size) & (rules["lift"] > m.min_lift) & meets
    return rules[keep].drop(columns="size")


def support_for_limit(rule_baskets: pd.Series, max_rules: int) -> int:
    """The smallest basket count s with at most max_rules rules at s or more (one above the highest
    count when even those are too many)."""
    histogram = rule_baskets.value_counts().sort_index(ascending=False)
    kept, support = 0, int(histogram.index[0]) + 1
    for baskets_count, rules in histogram.items():
        if kept + rules > max_rules:
            break
        kept += rules
        support = int(baskets_count)
    return support


def per_antecedent(rules: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Each antecedent's best limit rules: confidence, then lift (both descending), then consequent."""
    ordered = rules.sort_values(
        ["antecedent", "confidence", "lift", "consequent"], ascending=[True, False, False, True]
    )
    return ordered[ordered.groupby("antecedent").cumcount() < limit]


def self_check() -> None:
    """Two sets of hand-made baskets with what the stage keeps worked out by hand (bin/bench runs
    this first).

    1. Lines to baskets. Items by basket (product 99 is not in the catalogue, product 15 has no
    type; basket 11 is after the cut-off): 1 {A,B}, 2 {A,B}, 3 {A,B,C}, 4 {A}, 5 {B,C}, 6 {D},
    7 {A}, 8 {B}, 9 {} (left out), 10 {A}: 9 baskets. Minimum support 0.2: ceil(1.8) = 2 baskets,
    so A 6, B 5, C 2, {A,B} 3 and {B,C} 2 are frequent (D 1 and {A,C} 1 are not). At confidence
    0.5: A->B 3/6 = 0.5 (exactly at the threshold), B->A 3/5, C->B 2/2; B->C 2/5 is not. Lifts:
    A->B 0.5 / (5/9) = 0.9, B->A 0.6 / (6/9) = 0.9, C->B 1 / (5/9) = 1.8. With min-lift 0 the three
    are kept; with min-lift 1 only C->B.

    2. The other criteria, on 11 baskets: {P,Q,R} twice, {P,S} twice, {Q,T}, {R,T}, {T} twice, {U}
    twice, {P,Q}. At "2 baskets": P 5, Q 4, R 3, S 2, T 4, U 2, PQ 3, PR 2, PS 2, QR 2, PQR 2 (QT,
    RT 1): 11 itemsets. Rules (confidence, lift = confidence * 11 / consequent's count): P->Q .6
    1.65, Q->P .75 1.65, P->R .4 1.47, R->P .67 1.47, P->S .4 2.2, S->P 1 2.2, Q->R .5 1.83, R->Q
    .67 1.83, PQ->R .67 2.44, PR->Q 1 2.75, QR->P 1 2.2: 11 rules at the defaults.
    max-antecedent-size 1: the 8 with one item. min-lift 2: P->S, S->P, PQ->R, PR->Q, QR->P.
    min-confidence "3 baskets": P->Q, Q->P (the only rules of 3 baskets). max-rules-per-antecedent
    2: P keeps P->Q (.6), then P->S over P->R (both .4, lift 2.2 over 1.47): 10 rules. max-rules 5:
    2 rules of 3 baskets, 9 of 2, so the support is raised to 3: P->Q, Q->P and the itemsets P, Q,
    R, T, PQ.
    """
    day, late = dt.date(2024, 1, 2), dt.date(2024, 1, 31)
    lines = pd.DataFrame(
        {
            "basket_id": [1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 9, 10, 10, 11, 11, 11],
            "product_id": [11, 12, 11, 12, 11, 12, 13, 11, 12, 13, 14, 11, 12, 99, 11, 15, 11, 12, 14],
            "transaction_date": [day] * 16 + [late] * 3,
        }
    )
    products = pd.DataFrame({"product_id": [11, 12, 13, 14, 15], "product_type": ["A", "B", "C", "D", None]})
    basket_items = baskets(lines, products, "product_type", 40, dt.date(2024, 1, 30))
    assert len(basket_items) == 9, len(basket_items)
    half = Threshold.parse("0.5")
    itemsets, rules, _ = mine(basket_items, Mining(Threshold.parse("0.2"), half, min_lift=0.0))
    assert named(itemsets) == {"A": 6, "B": 5, "C": 2, "A|B": 3, "B|C": 2}, named(itemsets)
    assert arrows(rules) == ["A->B", "B->A", "C->B"], arrows(rules)
    _, rules, _ = mine(basket_items, Mining(Threshold.parse("0.2"), half))
    assert arrows(rules) == ["C->B"], arrows(rules)

    two = [
        ["P", "Q", "R"], ["P", "Q", "R"], ["P", "S"], ["P", "S"], ["Q", "T"], ["R", "T"],
        ["T"], ["T"], ["U"], ["U"], ["P", "Q"],
    ]  # fmt: skip
    more = pd.Series(two, index=range(1, 12))
    base = {"min_support": Threshold.parse("2 baskets"), "min_confidence": Threshold.parse("0.1")}
    every = ["P->Q", "P->R", "P->S", "P|Q->R", "P|R->Q", "Q->P", "Q->R", "Q|R->P", "R->P", "R->Q", "S->P"]
    itemsets, rules, support = mine(more, Mining(**base))
    assert len(itemsets) == 11 and named(itemsets)["P|Q|R"] == 2, named(itemsets)
    assert arrows(rules) == every and support == 2, (arrows(rules), support)
    _, rules, _ = mine(more, Mining(**base, max_antecedent_size=1))
    assert arrows(rules) == [r for r in every if "|" not in r], arrows(rules)
    _, rules, _ = mine(more, Mining(**base, min_lift=2.0))
    assert arrows(rules) == ["P->S", "P|Q->R", "P|R->Q", "Q|R->P", "S->P"], arrows(rules)
    _, rules, _ = mine(more, Mining(base["min_support"], Threshold.parse("3 baskets")))
    assert arrows(rules) == ["P->Q", "Q->P"], arrows(rules)
    _, rules, _ = mine(more, Mining(**base, max_rules_per_antecedent=2))
    assert arrows(rules) == [r for r in every if r != "P->R"], arrows(rules)
    assert list(rules["consequent"][rules["antecedent"] == "P"]) == ["Q", "S"], rules
    itemsets, rules, support = mine(more, Mining(**base, max_rules=5))
    assert arrows(rules) == ["P->Q", "Q->P"] and support == 3, (arrows(rules), support)
    assert named(itemsets) == {"P": 5, "Q": 4, "R": 3, "T": 4, "P|Q": 3}, named(itemsets)
    print("mine_baskets self-check: two basket sets under 8 settings, as worked out by hand")


def named(itemsets: pd.DataFrame) -> dict:
    return {"|".join(sorted(s)): int(c) for s, c in zip(itemsets["itemsets"], itemsets["count"], strict=True)}


def arrows(rules: pd.DataFrame) -> list:
    return sorted(f"{a}->{c}" for a, c in zip(rules["antecedent"], rules["consequent"], strict=True))


def arguments(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="mine_baskets.py", description=__doc__.split("\n\n")[0])
    for name in ("--lines", "--products", "--out"):
        p.add_argument(name, required=True)
    p.add_argument("--level", required=True, choices=LEVELS)
    p.add_argument("--cutoff", required=True, type=dt.date.fromisoformat)
    p.add_argument("--min-support", required=True, type=Threshold.parse)
    p.add_argument("--min-confidence", required=True, type=Threshold.parse)
    p.add_argument("--min-lift", required=True, type=float)
    for name in ("--max-antecedent-size", "--max-rules-per-antecedent", "--max-rules", "--max-basket-size"):
        p.add_argument(name, required=True, type=int)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    if argv == ["--self-check"]:
        self_check()
        return 0
    a = arguments(argv)
    limits = (a.max_antecedent_size, a.max_rules_per_antecedent, a.max_rules)
    m = Mining(a.min_support, a.min_confidence, a.min_lift, *limits)
    imported = time.monotonic()
    lines = pd.read_parquet(a.lines, columns=["basket_id", "product_id", "transaction_date"])
    products = pd.read_parquet(a.products)
    basket_items = baskets(lines, products, a.level, a.max_basket_size, a.cutoff)
    built = time.monotonic()
    itemsets, rules, support = mine(basket_items, m)
    mined = time.monotonic()
    keys = sorted(
        ("|".join(sorted(s)), int(c)) for s, c in zip(itemsets["itemsets"], itemsets["count"], strict=True)
    )
    pd.DataFrame(keys, columns=["items", "freq"]).to_csv(f"{a.out}/itemsets.csv", index=False)
    with open(f"{a.out}/mlxtend.properties", "w", encoding="utf-8") as f:
        f.write(f"baskets={len(basket_items)}\n")
        f.write(f"itemsets={len(itemsets)}\n")
        f.write(f"rules={len(rules)}\n")
        f.write(f"min_support_baskets={support}\n")
        f.write(f"import_ms={round((imported - STARTED) * 1000)}\n")
        f.write(f"baskets_ms={round((built - imported) * 1000)}\n")
        f.write(f"mining_ms={round((mined - built) * 1000)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
