#!/usr/bin/env python3
"""Regenerate the seed corpora in tests/fuzz/corpus/ from our own fixtures,
presets, templates and golden vectors. Run from the repository root:

    python3 tests/fuzz/make-seeds.py [CARD.json ...]

CARD.json files (e.g. site/models/*/card.json from a build) seed the
carddiff and binder harnesses; without them a small synthetic card is used.
Seed names are content hashes, so re-running is idempotent."""
import glob
import hashlib
import json
import os
import sys

OUT = "tests/fuzz/corpus"
RECIPES = ["X-1", "X-2", "X-3", "X-5", "X-19", "X-21", "X-22", "X-23"]  # registry order
PANEL_SEL = {"_mongo.json": 0, "_random.json": 1, "_layerwise.json": 2,
             "master_gamma_results.json": 3, "pade_validation.json": 4}


def put(harness, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def trim(c, depth=0):
    # short arrays and strings so seeds stay small (fast executions)
    if isinstance(c, dict):
        return {k: trim(v, depth + 1) for k, v in c.items()}
    if isinstance(c, list):
        return [trim(v, depth + 1) for v in c[:2]]
    if isinstance(c, str):
        return c[:24]
    return c


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def main():
    # config normaliser: configs, presets, and a few hand-made edge cases
    for p in sorted(glob.glob("tests/fixtures/configs/*.json") +
                    glob.glob("tests/fixtures/config/*.json") +
                    glob.glob("tests/fixtures/presets/*.json") + glob.glob("presets/*.json")):
        put("config", open(p, "rb").read())
    for extra in [b'{"model_type":"jamba","num_hidden_layers":32,"attn_layer_period":8}',
                  b'{"_name_or_path":"a/b","rope_parameters":{"rope_theta":1e6}}',
                  b'{"hybrid_override_pattern":"M*M*","num_attention_heads":NaN}',
                  b'{"layer_types":["sliding_attention","full_attention"],"sliding_window":4}']:
        put("config", extra)

    # panel files: selector byte + file text
    for p in sorted(glob.glob("tests/fixtures/panel/**/*.json", recursive=True)):
        base = os.path.basename(p)
        sel = next((v for k, v in PANEL_SEL.items() if base.endswith(k)), 0)
        put("panel", bytes([sel]) + open(p, "rb").read())
    put("panel", b"\x02{\"per_layer_agg\": {\"0\": {\"10\": NaN, \"20\": -Infinity}}}")

    # recipe/formula arguments: selector byte + args JSON
    seen = {}
    for line in open("tests/vectors/recipes.jsonl"):
        v = json.loads(line)
        rid = v.get("recipe") or v.get("id")
        if rid in RECIPES and seen.get(rid, 0) < 6:
            seen[rid] = seen.get(rid, 0) + 1
            put("recipe_args", bytes([RECIPES.index(rid)]) + compact(v["args"]))
    for i, line in enumerate(open("tests/vectors/profiles.jsonl")):
        if i < 6:
            put("recipe_args", bytes([len(RECIPES)]) + compact(json.loads(line)["args"]))
    formulas = []
    for line in open("tests/vectors/formulas.jsonl"):
        v = json.loads(line)
        if v["fn"] not in formulas:
            formulas.append(v["fn"])
            # registry order is not the vector order; the byte only needs to
            # reach every formula, which 0x80 + i (mod 43) does
            put("recipe_args", bytes([0x80 + len(formulas) - 1]) + compact(v["args"]))

    # template binder: template NUL data
    cards = [json.load(open(p)) for p in sys.argv[1:]]
    small = {"model": {"id": "org/<b>m</b>", "slug": "org--m"}, "n": 1.5, "xs": [1, 2, 3],
             "o": {"a": True, "b": None, "c": ""}, "fmt": "f2",
             "recipes": [{"id": "X-2", "verdict": "GO", "chain": [{"result": 0.25}]}]}
    for p in sorted(glob.glob("templates/*.xhtml")):
        t = open(p, "rb").read()
        put("binder", t + b"\0" + compact(small))
        for c in cards[:1]:
            put("binder", t + b"\0" + compact(trim(c)))
    put("binder", b'<p><span data-repeat="xs" data-text="." data-format="f2"/>'
                  b'<a data-attr="href=x/{@index};title={$.model.id}" data-if="o.a">t</a>'
                  b'<i data-repeat="o" data-text="@key" data-if-not="."/>'
                  b'<b data-text="n" data-format-from="$.fmt" data-missing="-"/></p>\0' + compact(small))

    # carddiff: old NUL new
    base = trim(cards[0]) if cards else {"schema": "tafcard.card/1", "model": {"id": "a/b"},
                                         "recipes": [{"id": "X-2", "verdict": "GO",
                                                      "chain": [{"result": 0.5}]}],
                                         "provenance": {"spec_sha256": "00", "sources": []}}
    put("carddiff", compact(base) + b"\0" + compact(base))
    changed = json.loads(json.dumps(base))
    changed["model"]["id"] = "a/c"
    changed.setdefault("recipes", []).append({"id": "X-19", "variant": "v", "verdict": "NO-GO"})
    put("carddiff", compact(base) + b"\0" + compact(changed))
    for a, b in zip(cards, cards[1:]):
        put("carddiff", compact(trim(a)) + b"\0" + compact(trim(b)))


if __name__ == "__main__":
    main()
