"""FP-Growth with pandas and mlxtend over the same baskets as the recommendations stage.

What a Python user would pick instead of the pipeline's mining: the clean transaction lines
(basket_id, product_id) and the catalogue, both as Parquet (bin/bench has DuckDB write them from
the same landing files), become baskets of items at the stage's item level, exactly as the stage
builds them: lines whose product has no item are left out, a basket is the set of its items, and
baskets with more than max_basket_size items are not mined (nor counted in the support).

Both Spark's FP-Growth and mlxtend keep an itemset seen in at least ceil(min_support * baskets)
baskets. Spark keeps a rule (one item as consequent) whose confidence, the quotient of two basket
counts, is at least min_confidence; mlxtend divides two support fractions instead, which can round
a rule exactly at the threshold below it. So association_rules is asked for a hair more than
needed, and each rule is decided from the integer counts as Spark decides it.

usage: mine_baskets.py LINES PRODUCTS LEVEL MIN_SUPPORT MIN_CONFIDENCE MAX_BASKET_SIZE OUT_DIR
       mine_baskets.py --self-check
Writes OUT_DIR/mlxtend.properties (baskets, itemsets, rules, and the timings) and
OUT_DIR/itemsets.csv (each itemset's items joined by '|', sorted, and its basket count).
"""

import sys
import time

STARTED = time.monotonic()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mlxtend.frequent_patterns import association_rules, fpgrowth  # noqa: E402
from scipy import sparse  # noqa: E402

LEVELS = ("product", "product_type", "product_category")


def baskets(lines: pd.DataFrame, products: pd.DataFrame, level: str, max_size: int) -> pd.Series:
    """The distinct items of each basket, baskets of more than max_size items left out."""
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


def mine(basket_items: pd.Series, min_support: float, min_confidence: float):
    """Frequent itemsets (with their basket counts) and the rules with one consequent."""
    n = len(basket_items)
    if n == 0:
        return pd.DataFrame(columns=["itemsets", "count"]), pd.DataFrame()
    # mlxtend keeps an itemset in at least ceil(min_support * n) baskets, as Spark does.
    itemsets = fpgrowth(one_hot(basket_items), min_support=min_support, use_colnames=True)
    itemsets["count"] = (itemsets["support"] * n).round().astype("int64")
    if itemsets.empty or itemsets["itemsets"].map(len).max() < 2:
        return itemsets, pd.DataFrame()
    rules = association_rules(
        itemsets[["support", "itemsets"]],
        num_itemsets=n,
        metric="confidence",
        min_threshold=min_confidence * (1 - 1e-9),
    )
    rules = rules[rules["consequents"].map(len) == 1]
    count = dict(zip(itemsets["itemsets"], itemsets["count"], strict=True))
    together = [count[a | c] for a, c in zip(rules["antecedents"], rules["consequents"], strict=True)]
    alone = [count[a] for a in rules["antecedents"]]
    exact = np.array(together, dtype=float) / np.array(alone, dtype=float)
    return itemsets, rules[exact >= min_confidence]


def self_check() -> None:
    """Ten hand-made baskets with the counts worked out by hand (bin/bench runs this first).

    Items by basket (product 99 is not in the catalogue, product 15 has no type): 1 {A,B},
    2 {A,B}, 3 {A,B,C}, 4 {A}, 5 {B,C}, 6 {D}, 7 {A}, 8 {B}, 9 {} (left out), 10 {A}: 9 baskets.
    Minimum support 0.2: ceil(1.8) = 2 baskets, so A 6, B 5, C 2, {A,B} 3 and {B,C} 2 are frequent
    (D 1 and {A,C} 1 are not). Rules at confidence 0.5: A->B 3/6 = 0.5 (exactly at the threshold,
    kept), B->A 3/5, C->B 2/2; B->C 2/5 is not.
    """
    lines = pd.DataFrame(
        {
            "basket_id": [1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 9, 10, 10],
            "product_id": [11, 12, 11, 12, 11, 12, 13, 11, 12, 13, 14, 11, 12, 99, 11, 15],
        }
    )
    products = pd.DataFrame({"product_id": [11, 12, 13, 14, 15], "product_type": ["A", "B", "C", "D", None]})
    basket_items = baskets(lines, products, "product_type", 40)
    itemsets, rules = mine(basket_items, 0.2, 0.5)
    found = {
        "|".join(sorted(s)): int(c) for s, c in zip(itemsets["itemsets"], itemsets["count"], strict=True)
    }
    rule_names = sorted(
        f"{next(iter(a))}->{next(iter(c))}"
        for a, c in zip(rules["antecedents"], rules["consequents"], strict=True)
    )
    assert len(basket_items) == 9, len(basket_items)
    assert found == {"A": 6, "B": 5, "C": 2, "A|B": 3, "B|C": 2}, found
    assert rule_names == ["A->B", "B->A", "C->B"], rule_names
    print("mine_baskets self-check: 9 baskets, 5 itemsets, 3 rules, as worked out by hand")


def main(argv: list[str]) -> int:
    if argv == ["--self-check"]:
        self_check()
        return 0
    if len(argv) != 7 or argv[2] not in LEVELS:
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    lines_path, products_path, level, support, confidence, max_size, out = argv
    imported = time.monotonic()
    lines = pd.read_parquet(lines_path, columns=["basket_id", "product_id"])
    products = pd.read_parquet(products_path)
    basket_items = baskets(lines, products, level, int(max_size))
    built = time.monotonic()
    itemsets, rules = mine(basket_items, float(support), float(confidence))
    mined = time.monotonic()
    keys = sorted(
        ("|".join(sorted(s)), int(c)) for s, c in zip(itemsets["itemsets"], itemsets["count"], strict=True)
    )
    pd.DataFrame(keys, columns=["items", "freq"]).to_csv(f"{out}/itemsets.csv", index=False)
    with open(f"{out}/mlxtend.properties", "w", encoding="utf-8") as f:
        f.write(f"baskets={len(basket_items)}\n")
        f.write(f"itemsets={len(itemsets)}\n")
        f.write(f"rules={len(rules)}\n")
        f.write(f"import_ms={round((imported - STARTED) * 1000)}\n")
        f.write(f"baskets_ms={round((built - imported) * 1000)}\n")
        f.write(f"mining_ms={round((mined - built) * 1000)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
