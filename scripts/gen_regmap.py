#!/usr/bin/python3
"""Generate the register-map headers from rtl/regmap/regmap.yaml.

One YAML source feeds three committed outputs:
  rtl/regmap/pnm_reg_pkg.sv   SystemVerilog package pnm_reg_pkg
  firmware/hal/pnm_regs.h     C11 header for firmware
  tlm/common/pnm_regs.hpp     C++17 header for the TLM models (namespace pnm::regs)

Usage (from anywhere):
  python3 scripts/gen_regmap.py [--src rtl/regmap/regmap.yaml] [--out-dir ROOT] [--check]

--out-dir defaults to the repository root. --check writes nothing; it exits 1
and lists every output that is missing or would change. The YAML is validated
first; any error names the file, block, register/field/enum and the rule, and
the exit status is 2. Output is deterministic: it depends on the YAML content
and the source path relative to the repository root only.
"""

import argparse
import os
import re
import textwrap
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SRC = os.path.join("rtl", "regmap", "regmap.yaml")
OUT_SV = os.path.join("rtl", "regmap", "pnm_reg_pkg.sv")
OUT_H = os.path.join("firmware", "hal", "pnm_regs.h")
OUT_HPP = os.path.join("tlm", "common", "pnm_regs.hpp")

ACCESS = {"rw": "RW", "ro": "RO", "wo": "WO", "w1p": "W1P"}

# Schema: key -> (required, python type(s)).
TOP_KEYS = {"blocks": (True, list), "address_map": (False, dict)}
ADDRMAP_KEYS = {
    "description": (False, str),
    "regions": (True, list),
    "constants": (False, list),
}
REGION_KEYS = {
    "name": (True, str),
    "base": (True, int),
    "size": (True, int),
    "count": (False, int),
    "block": (False, str),
    "description": (False, str),
}
CONST_KEYS = {
    "name": (True, str),
    "value": (True, int),
    "description": (False, str),
}
BLOCK_KEYS = {
    "name": (True, str),
    "description": (False, str),
    "addr_width_bits": (True, int),
    "data_width_bits": (True, int),
    "registers": (True, list),
    "enums": (False, list),
}
REG_KEYS = {
    "name": (True, str),
    "offset": (True, int),
    "access": (True, str),
    "reset": (False, int),
    "description": (False, str),
    "fields": (False, list),
}
FIELD_KEYS = {
    "name": (True, str),
    "lsb": (True, int),
    "width": (True, int),
    "description": (False, str),
}
ENUM_KEYS = {
    "name": (True, str),
    "width_bits": (True, int),
    "description": (False, str),
    "values": (True, dict),
}

LOWER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
UPPER_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

# Lower-case names become C++ identifiers (namespace, enum class): no keywords.
CXX_KEYWORDS = set("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char
char8_t char16_t char32_t class compl concept const consteval constexpr
constinit const_cast continue co_await co_return co_yield decltype default
delete do double dynamic_cast else enum explicit export extern false float for
friend goto if inline int long mutable namespace new noexcept not not_eq
nullptr operator or or_eq private protected public register reinterpret_cast
requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union
unsigned using virtual void volatile wchar_t while xor xor_eq
""".split())
# Names the generated C++ already uses at namespace pnm::regs scope.
RESERVED_BLOCK_NAMES = {"get", "set", "std", "detail"}
# Members of a generated register struct (a field struct may not share them).
RESERVED_FIELD_NAMES = {"OFFSET", "RESET", "ACCESS", "LSB", "WIDTH", "MASK"}
# Names at block-namespace scope (a register struct may not share them).
RESERVED_REG_NAMES = {"ADDR_WIDTH_BITS", "DATA_WIDTH_BITS", "REGISTERS", "NUM_REGISTERS"}


class RegmapError(Exception):
    pass


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (PyYAML keeps the last)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise RegmapError(
                "line %d: duplicate key '%s' (first on line %d)"
                % (key_node.start_mark.line + 1, key, seen[key] + 1))
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _type_name(t):
    return {list: "a list", dict: "a mapping", int: "an integer", str: "a string"}[t]


def _bool_hint(val):
    if isinstance(val, bool):
        return " (YAML reads ON/OFF/YES/NO/Y/N/TRUE/FALSE as booleans: quote the name)"
    return ""


class Validator:
    def __init__(self, src_display):
        self.src = src_display

    def fail(self, where, rule):
        loc = ", ".join(where)
        raise RegmapError("%s: %s: %s" % (self.src, loc, rule) if loc else "%s: %s" % (self.src, rule))

    def check_keys(self, obj, schema, where, what):
        if not isinstance(obj, dict):
            self.fail(where, "%s must be a mapping, got %s" % (what, type(obj).__name__))
        for key in obj:
            if key not in schema:
                self.fail(where, "unknown key '%s' in %s (allowed: %s)"
                          % (key, what, ", ".join(sorted(schema))))
        for key, (required, typ) in schema.items():
            if key not in obj:
                if required:
                    self.fail(where, "missing key '%s' in %s" % (key, what))
                continue
            val = obj[key]
            ok = isinstance(val, typ) and not (typ is int and isinstance(val, bool))
            if typ is str and val is None:
                ok = False
            if not ok:
                self.fail(where, "key '%s' must be %s, got %r%s"
                          % (key, _type_name(typ), val, _bool_hint(val)))

    def check_name(self, name, pattern, where, what):
        if not pattern.match(name):
            case = "lower" if pattern is LOWER_NAME else "upper"
            self.fail(where, "%s name '%s' must be a %s-case identifier (%s)"
                      % (what, name, case, pattern.pattern))

    def validate(self, doc):
        if doc is None:
            self.fail([], "empty file; missing key 'blocks'")
        self.check_keys(doc, TOP_KEYS, [], "the top level")
        if not doc["blocks"]:
            self.fail([], "key 'blocks' is empty")
        block_names = set()
        for bi, block in enumerate(doc["blocks"]):
            bwhere = ["block #%d" % bi]
            if isinstance(block, dict) and isinstance(block.get("name"), str):
                bwhere = ["block '%s'" % block["name"]]
            self.check_keys(block, BLOCK_KEYS, bwhere, "a block")
            self.validate_block(block, bwhere)
            if block["name"] in block_names:
                self.fail(bwhere, "duplicate block name '%s'" % block["name"])
            block_names.add(block["name"])
        self.check_generated_names(doc)
        if "address_map" in doc:
            self.validate_address_map(doc["address_map"], block_names)

    def validate_address_map(self, amap, block_names):
        where = ["address_map"]
        self.check_keys(amap, ADDRMAP_KEYS, where, "the address map")
        names, spans = set(), []
        for ri, reg in enumerate(amap["regions"]):
            rwhere = where + ["region #%d" % ri]
            if isinstance(reg, dict) and isinstance(reg.get("name"), str):
                rwhere = where + ["region '%s'" % reg["name"]]
            self.check_keys(reg, REGION_KEYS, rwhere, "a region")
            self.check_name(reg["name"], UPPER_NAME, rwhere, "region")
            if reg["name"] in names:
                self.fail(rwhere, "duplicate region name '%s'" % reg["name"])
            names.add(reg["name"])
            size, count = reg["size"], reg.get("count", 1)
            if size <= 0 or size & (size - 1):
                self.fail(rwhere, "size 0x%X must be a power of two" % size)
            if reg["base"] < 0 or reg["base"] % size:
                self.fail(rwhere, "base 0x%X must be aligned to its size 0x%X" % (reg["base"], size))
            if count < 1:
                self.fail(rwhere, "count %d must be at least 1" % count)
            if "block" in reg and reg["block"] not in block_names:
                self.fail(rwhere, "block '%s' is not defined (blocks: %s)"
                          % (reg["block"], ", ".join(sorted(block_names))))
            end = reg["base"] + size * count
            if end > 1 << 64:
                self.fail(rwhere, "region ends past the 64-bit address space")
            for other, (b, e) in spans:
                if reg["base"] < e and b < end:
                    self.fail(rwhere, "[0x%X, 0x%X) overlaps region '%s' [0x%X, 0x%X)"
                              % (reg["base"], end, other, b, e))
            spans.append((reg["name"], (reg["base"], end)))
        for ci, const in enumerate(amap.get("constants") or []):
            cwhere = where + ["constant #%d" % ci]
            self.check_keys(const, CONST_KEYS, cwhere, "a constant")
            self.check_name(const["name"], UPPER_NAME, cwhere, "constant")
            if const["name"] in names:
                self.fail(cwhere, "duplicate name '%s'" % const["name"])
            names.add(const["name"])
            if const["value"] < 0 or const["value"] >= 1 << 64:
                self.fail(cwhere, "value must fit 64 bits unsigned")

    def validate_block(self, block, bwhere):
        bname = block["name"]
        self.check_name(bname, LOWER_NAME, bwhere, "block")
        if bname in CXX_KEYWORDS or bname in RESERVED_BLOCK_NAMES:
            self.fail(bwhere, "block name '%s' is a C++ keyword or reserved name" % bname)
        aw, dw = block["addr_width_bits"], block["data_width_bits"]
        if dw not in (8, 16, 32):
            self.fail(bwhere, "data_width_bits must be 8, 16 or 32 (C/C++ registers are uint32_t), got %d" % dw)
        if not 1 <= aw <= 32:
            self.fail(bwhere, "addr_width_bits must be in 1..32, got %d" % aw)
        stride = dw // 8
        if not block["registers"]:
            self.fail(bwhere, "key 'registers' is empty")
        reg_names = {}
        offsets = {}
        for ri, reg in enumerate(block["registers"]):
            rwhere = bwhere + ["register #%d" % ri]
            if isinstance(reg, dict) and isinstance(reg.get("name"), str):
                rwhere = bwhere + ["register '%s'" % reg["name"]]
            self.check_keys(reg, REG_KEYS, rwhere, "a register")
            rname = reg["name"]
            self.check_name(rname, UPPER_NAME, rwhere, "register")
            if rname in RESERVED_REG_NAMES:
                self.fail(rwhere, "register name '%s' is reserved by the generated C++" % rname)
            if rname in reg_names:
                self.fail(rwhere, "duplicate register name '%s'" % rname)
            reg_names[rname] = True
            off = reg["offset"]
            if off < 0:
                self.fail(rwhere, "offset %d is negative" % off)
            if off % stride:
                self.fail(rwhere, "offset 0x%X is not aligned to the data width (%d bytes)" % (off, stride))
            if off + stride > (1 << aw):
                self.fail(rwhere, "offset 0x%X does not fit addr_width_bits %d" % (off, aw))
            if off in offsets:
                self.fail(rwhere, "offset 0x%X overlaps register '%s'" % (off, offsets[off]))
            offsets[off] = rname
            if reg["access"] not in ACCESS:
                self.fail(rwhere, "access '%s' is not one of %s" % (reg["access"], ", ".join(ACCESS)))
            reset = reg.get("reset", 0)
            if reset < 0 or reset >= (1 << dw):
                self.fail(rwhere, "reset 0x%X does not fit data_width_bits %d" % (reset, dw))
            fields = reg.get("fields")
            if fields is not None and not fields:
                self.fail(rwhere, "key 'fields' is empty (omit it for a single VALUE field)")
            used = 0
            field_names = set()
            for fi, field in enumerate(fields or []):
                fwhere = rwhere + ["field #%d" % fi]
                if isinstance(field, dict) and isinstance(field.get("name"), str):
                    fwhere = rwhere + ["field '%s'" % field["name"]]
                self.check_keys(field, FIELD_KEYS, fwhere, "a field")
                fname = field["name"]
                self.check_name(fname, UPPER_NAME, fwhere, "field")
                if fname in RESERVED_FIELD_NAMES or fname == rname:
                    self.fail(fwhere, "field name '%s' is reserved (%s, or the register's own name)"
                              % (fname, ", ".join(sorted(RESERVED_FIELD_NAMES))))
                if fname in field_names:
                    self.fail(fwhere, "duplicate field name '%s'" % fname)
                field_names.add(fname)
                lsb, width = field["lsb"], field["width"]
                if lsb < 0:
                    self.fail(fwhere, "lsb %d is negative" % lsb)
                if width < 1:
                    self.fail(fwhere, "width %d must be at least 1" % width)
                if lsb + width > dw:
                    self.fail(fwhere, "bits [%d:%d] extend beyond data_width_bits %d"
                              % (lsb + width - 1, lsb, dw))
                mask = ((1 << width) - 1) << lsb
                if used & mask:
                    other = [f["name"] for f in fields[:fi]
                             if (((1 << f["width"]) - 1) << f["lsb"]) & mask]
                    self.fail(fwhere, "bits [%d:%d] overlap field '%s'"
                              % (lsb + width - 1, lsb, other[0]))
                used |= mask
            if fields and reset & ~used:
                self.fail(rwhere, "reset 0x%X sets bits outside every field (fields cover 0x%X)"
                          % (reset, used))
        enum_names = set()
        for ei, enum in enumerate(block.get("enums") or []):
            ewhere = bwhere + ["enum #%d" % ei]
            if isinstance(enum, dict) and isinstance(enum.get("name"), str):
                ewhere = bwhere + ["enum '%s'" % enum["name"]]
            self.check_keys(enum, ENUM_KEYS, ewhere, "an enum")
            ename = enum["name"]
            self.check_name(ename, LOWER_NAME, ewhere, "enum")
            if ename in CXX_KEYWORDS:
                self.fail(ewhere, "enum name '%s' is a C++ keyword" % ename)
            if ename in enum_names:
                self.fail(ewhere, "duplicate enum name '%s'" % ename)
            enum_names.add(ename)
            width = enum["width_bits"]
            if not 1 <= width <= 32:
                self.fail(ewhere, "width_bits must be in 1..32, got %d" % width)
            if not enum["values"]:
                self.fail(ewhere, "key 'values' is empty")
            seen_vals = {}
            for vname, val in enum["values"].items():
                vwhere = ewhere + ["value '%s'" % vname]
                if not isinstance(vname, str):
                    self.fail(vwhere, "value name %r must be a string%s" % (vname, _bool_hint(vname)))
                self.check_name(vname, UPPER_NAME, vwhere, "enum value")
                if not isinstance(val, int) or isinstance(val, bool):
                    self.fail(vwhere, "value must be an integer, got %r" % (val,))
                if val < 0 or val >= (1 << width):
                    self.fail(vwhere, "value %d does not fit width_bits %d" % (val, width))
                if val in seen_vals:
                    self.fail(vwhere, "value %d duplicates '%s'" % (val, seen_vals[val]))
                seen_vals[val] = vname

    def check_generated_names(self, doc):
        """Every flat SV/C identifier must be unique (e.g. register A_B vs field B_C)."""
        seen = {}
        for block in doc["blocks"]:
            b = block["name"].upper()
            names = [(b + "_AW", "block"), (b + "_DW", "block"),
                     (b + "_ADDR_WIDTH_BITS", "block"), (b + "_DATA_WIDTH_BITS", "block")]
            for reg in block["registers"]:
                r = reg["name"]
                what = "register '%s'" % r
                names += [("%s_%s_OFFSET" % (b, r), what), ("%s_%s_RESET" % (b, r), what)]
                for f in reg_fields(reg, block["data_width_bits"]):
                    fw = "register '%s', field '%s'" % (r, f["name"])
                    for suffix in ("LSB", "WIDTH", "MASK"):
                        names.append(("%s_%s_%s_%s" % (b, r, f["name"], suffix), fw))
            for enum in block.get("enums") or []:
                for vname in enum["values"]:
                    names.append(("%s_%s_%s" % (b, enum["name"].upper(), vname),
                                  "enum '%s', value '%s'" % (enum["name"], vname)))
            for ident, what in names:
                if ident in seen:
                    self.fail(["block '%s'" % block["name"], what],
                              "generated name %s collides with %s" % (ident, seen[ident]))
                seen[ident] = "block '%s', %s" % (block["name"], what)


def reg_fields(reg, dw):
    fields = reg.get("fields")
    if not fields:
        return [{"name": "VALUE", "lsb": 0, "width": dw,
                 "description": "Whole register."}]
    return sorted(fields, key=lambda f: f["lsb"])


def one_line(text):
    return " ".join(str(text or "").split())


def wrapped(prefix, text, width=96):
    """Comment lines: text wrapped to width, each line starting with prefix."""
    lines = textwrap.wrap(one_line(text), width - len(prefix)) or [""]
    return "".join("%s%s\n" % (prefix, l) for l in lines)


def c_comment(text):
    return one_line(text).replace("*/", "* /")


def hexw(value, digits):
    return "%0*X" % (digits, value)


def sorted_regs(block):
    return sorted(block["registers"], key=lambda r: r["offset"])


def banner(prefix, src_rel, cmd):
    lines = [
        "GENERATED FILE - DO NOT EDIT.",
        "Source:     %s" % src_rel,
        "Generator:  scripts/gen_regmap.py",
        "Regenerate: %s" % cmd,
        "            (run from the repository root; tests/regmap fails if this file is stale)",
    ]
    return "".join("%s %s\n" % (prefix, l) for l in lines)


def gen_sv(doc, src_rel, cmd):
    out = [banner("//", src_rel, cmd), "\n",
           "// Register map of every pnmsim block: offsets, reset values, field\n",
           "// positions (use reg[X_LSB +: X_WIDTH]) and enums.\n",
           "package pnm_reg_pkg;\n\n",
           "  // Waiver: a block uses only some of these constants, and Verilator reports every\n",
           "  // other package parameter as UNUSEDPARAM once any one is referenced.\n",
           "  /* verilator lint_off UNUSEDPARAM */\n"]
    for block in doc["blocks"]:
        b = block["name"].upper()
        aw, dw = block["addr_width_bits"], block["data_width_bits"]
        out.append("\n  // ---- block %s\n" % block["name"])
        out.append(wrapped("  // ", block.get("description")))
        out.append("  localparam int unsigned %s_AW = %d;\n" % (b, aw))
        out.append("  localparam int unsigned %s_DW = %d;\n" % (b, dw))
        for reg in sorted_regs(block):
            r = reg["name"]
            out.append("\n  // %s (%s): %s\n" % (r, reg["access"], one_line(reg.get("description"))))
            out.append("  localparam logic [%s_AW-1:0] %s_%s_OFFSET = %d'h%s;\n"
                       % (b, b, r, aw, hexw(reg["offset"], (aw + 3) // 4)))
            out.append("  localparam logic [%d:0] %s_%s_RESET = %d'h%X;\n"
                       % (dw - 1, b, r, dw, reg.get("reset", 0)))
            for f in reg_fields(reg, dw):
                out.append("  localparam int unsigned %s_%s_%s_LSB = %d;\n" % (b, r, f["name"], f["lsb"]))
                out.append("  localparam int unsigned %s_%s_%s_WIDTH = %d;\n" % (b, r, f["name"], f["width"]))
        for enum in block.get("enums") or []:
            e = enum["name"].upper()
            w = enum["width_bits"]
            out.append("\n  // %s\n" % one_line(enum.get("description")))
            out.append("  typedef enum logic [%d:0] {\n" % (w - 1))
            items = sorted(enum["values"].items(), key=lambda kv: kv[1])
            for i, (vname, val) in enumerate(items):
                sep = "," if i + 1 < len(items) else ""
                out.append("    %s_%s_%s = %d'd%d%s\n" % (b, e, vname, w, val, sep))
            out.append("  } %s_%s_e;\n" % (block["name"], enum["name"]))
    amap = doc.get("address_map")
    if amap:
        out.append("\n  // ---- chip address map\n")
        out.append(wrapped("  // ", amap.get("description")))
        for reg in amap["regions"]:
            n = reg["name"]
            out.append("  // %s\n" % one_line(reg.get("description")))
            out.append("  localparam logic [63:0] ADDR_%s_BASE = 64'h%s;\n" % (n, hexw(reg["base"], 16)))
            out.append("  localparam logic [63:0] ADDR_%s_SIZE = 64'h%s;\n" % (n, hexw(reg["size"], 16)))
            out.append("  localparam int unsigned ADDR_%s_COUNT = %d;\n" % (n, reg.get("count", 1)))
        for const in amap.get("constants") or []:
            out.append("  // %s\n" % one_line(const.get("description")))
            out.append("  localparam logic [63:0] %s = 64'h%s;\n" % (const["name"], hexw(const["value"], 16)))
    out.append("\n  /* verilator lint_on UNUSEDPARAM */\n\nendpackage : pnm_reg_pkg\n")
    return "".join(out)


def gen_h(doc, src_rel, cmd):
    out = [banner("//", src_rel, cmd), "\n",
           "// Register map for firmware: offsets (bytes from the block base), reset\n",
           "// values, field positions and masks (masks already shifted into place).\n",
           "#ifndef PNM_REGS_H_\n#define PNM_REGS_H_\n\n#include <stdint.h>\n\n",
           "// Field helpers for 32-bit registers (widths 1..32, lsb + width <= 32).\n",
           "static inline uint32_t pnm_field_mask(uint32_t lsb, uint32_t width) {\n",
           "  uint32_t ones = (width >= 32u) ? 0xFFFFFFFFu : ((1u << width) - 1u);\n",
           "  return (lsb >= 32u) ? 0u : (ones << lsb);\n}\n\n",
           "static inline uint32_t pnm_field_get(uint32_t reg, uint32_t lsb, uint32_t width) {\n",
           "  return (lsb >= 32u) ? 0u : ((reg & pnm_field_mask(lsb, width)) >> lsb);\n}\n\n",
           "static inline uint32_t pnm_field_set(uint32_t reg, uint32_t lsb, uint32_t width, uint32_t value) {\n",
           "  uint32_t mask = pnm_field_mask(lsb, width);\n",
           "  return (lsb >= 32u) ? reg : ((reg & ~mask) | ((value << lsb) & mask));\n}\n"]
    for block in doc["blocks"]:
        b = "PNM_" + block["name"].upper()
        aw, dw = block["addr_width_bits"], block["data_width_bits"]
        out.append("\n// ---- block %s\n" % block["name"])
        out.append(wrapped("// ", c_comment(block.get("description"))))
        out.append("#define %s_ADDR_WIDTH_BITS %du\n" % (b, aw))
        out.append("#define %s_DATA_WIDTH_BITS %du\n" % (b, dw))
        for reg in sorted_regs(block):
            r = "%s_%s" % (b, reg["name"])
            out.append("\n// %s (%s): %s\n" % (reg["name"], reg["access"], c_comment(reg.get("description"))))
            out.append("#define %s_OFFSET 0x%su\n" % (r, hexw(reg["offset"], (aw + 3) // 4)))
            out.append("#define %s_RESET 0x%su\n" % (r, hexw(reg.get("reset", 0), 8)))
            for f in reg_fields(reg, dw):
                fn = "%s_%s" % (r, f["name"])
                mask = ((1 << f["width"]) - 1) << f["lsb"]
                out.append("#define %s_LSB %du\n" % (fn, f["lsb"]))
                out.append("#define %s_WIDTH %du\n" % (fn, f["width"]))
                out.append("#define %s_MASK 0x%su\n" % (fn, hexw(mask, 8)))
        for enum in block.get("enums") or []:
            e = "%s_%s" % (b, enum["name"].upper())
            out.append("\n// enum %s: %s\n" % (enum["name"], c_comment(enum.get("description"))))
            for vname, val in sorted(enum["values"].items(), key=lambda kv: kv[1]):
                out.append("#define %s_%s %du\n" % (e, vname, val))
    amap = doc.get("address_map")
    if amap:
        out.append("\n// ---- chip address map (64-bit chip addresses)\n")
        out.append(wrapped("// ", c_comment(amap.get("description"))))
        for reg in amap["regions"]:
            n = "PNM_ADDR_" + reg["name"]
            out.append("\n// %s\n" % c_comment(reg.get("description")))
            out.append("#define %s_BASE 0x%sull\n" % (n, hexw(reg["base"], 16)))
            out.append("#define %s_SIZE 0x%sull\n" % (n, hexw(reg["size"], 16)))
            out.append("#define %s_COUNT %du\n" % (n, reg.get("count", 1)))
        for const in amap.get("constants") or []:
            out.append("\n// %s\n" % c_comment(const.get("description")))
            out.append("#define PNM_%s 0x%sull\n" % (const["name"], hexw(const["value"], 16)))
    out.append("\n#endif  // PNM_REGS_H_\n")
    return "".join(out)


def gen_hpp(doc, src_rel, cmd):
    out = [banner("//", src_rel, cmd), "\n",
           "// Register map for the TLM models. Per block: one struct per register\n",
           "// (OFFSET, RESET, ACCESS, one nested struct per field with LSB, WIDTH and\n",
           "// MASK shifted into place), enums, and REGISTERS (ordered by offset) for\n",
           "// pnm::RegisterBank. Use regs::get<F>(reg) / regs::set<F>(reg, v).\n",
           "#pragma once\n\n#include <cstddef>\n#include <cstdint>\n\n",
           "namespace pnm::regs {\n\n",
           "enum class Access : uint8_t { RW, RO, WO, W1P };\n\n",
           "struct RegInfo {\n  const char* name;\n  uint32_t offset;\n  Access access;\n  uint32_t reset;\n};\n"]
    for block in doc["blocks"]:
        aw, dw = block["addr_width_bits"], block["data_width_bits"]
        regs = sorted_regs(block)
        out.append("\n")
        out.append(wrapped("// ", block.get("description")))
        out.append("namespace %s {\n\n" % block["name"])
        out.append("inline constexpr unsigned ADDR_WIDTH_BITS = %d;\n" % aw)
        out.append("inline constexpr unsigned DATA_WIDTH_BITS = %d;\n" % dw)
        for reg in regs:
            out.append("\n")
            out.append(wrapped("// ", reg.get("description")))
            out.append("struct %s {\n" % reg["name"])
            out.append("  static constexpr uint32_t OFFSET = 0x%s, RESET = 0x%X;\n"
                       % (hexw(reg["offset"], (aw + 3) // 4), reg.get("reset", 0)))
            out.append("  static constexpr Access ACCESS = Access::%s;\n" % ACCESS[reg["access"]])
            for f in reg_fields(reg, dw):
                mask = ((1 << f["width"]) - 1) << f["lsb"]
                out.append("  struct %s {  // %s\n" % (f["name"], one_line(f.get("description"))))
                out.append("    static constexpr uint32_t LSB = %d, WIDTH = %d, MASK = 0x%X;\n"
                           % (f["lsb"], f["width"], mask))
                out.append("  };\n")
            out.append("};\n")
        for enum in block.get("enums") or []:
            out.append("\n// %s (%d bits)\n" % (one_line(enum.get("description")), enum["width_bits"]))
            out.append("enum class %s : uint32_t {\n" % enum["name"])
            for vname, val in sorted(enum["values"].items(), key=lambda kv: kv[1]):
                out.append("  %s = %d,\n" % (vname, val))
            out.append("};\n")
        out.append("\n// Every register, ordered by offset.\n")
        out.append("inline constexpr RegInfo REGISTERS[] = {\n")
        for reg in regs:
            out.append("    {\"%s\", 0x%s, Access::%s, 0x%X},\n"
                       % (reg["name"], hexw(reg["offset"], (aw + 3) // 4),
                          ACCESS[reg["access"]], reg.get("reset", 0)))
        out.append("};\n")
        out.append("inline constexpr std::size_t NUM_REGISTERS = %d;\n" % len(regs))
        out.append("\n}  // namespace %s\n" % block["name"])
    amap = doc.get("address_map")
    if amap:
        out.append("\n")
        out.append(wrapped("// ", amap.get("description")))
        out.append("namespace addr {\n\n")
        out.append("struct Region {\n  const char* name;\n  uint64_t base, size;\n  uint32_t count;"
                   "  // instances at base + i * size\n};\n\n")
        for reg in amap["regions"]:
            n = reg["name"]
            out.append(wrapped("// ", reg.get("description")))
            out.append("inline constexpr uint64_t %s_BASE = 0x%sULL, %s_SIZE = 0x%sULL;\n"
                       % (n, hexw(reg["base"], 16), n, hexw(reg["size"], 16)))
            out.append("inline constexpr uint32_t %s_COUNT = %d;\n" % (n, reg.get("count", 1)))
        for const in amap.get("constants") or []:
            out.append(wrapped("// ", const.get("description")))
            out.append("inline constexpr uint64_t %s = 0x%sULL;\n" % (const["name"], hexw(const["value"], 16)))
        out.append("\n// Every region, in source order.\n")
        out.append("inline constexpr Region REGIONS[] = {\n")
        for reg in amap["regions"]:
            out.append("    {\"%s\", 0x%sULL, 0x%sULL, %d},\n"
                       % (reg["name"], hexw(reg["base"], 16), hexw(reg["size"], 16), reg.get("count", 1)))
        out.append("};\n\n}  // namespace addr\n")
    out.append("\n// Field F of register value reg, shifted down to bit 0.\n")
    out.append("template <class F>\nconstexpr uint32_t get(uint32_t reg) {\n"
               "  return (reg & F::MASK) >> F::LSB;\n}\n\n")
    out.append("// reg with field F replaced by v (bits of v beyond the field width are dropped).\n")
    out.append("template <class F>\nconstexpr uint32_t set(uint32_t reg, uint32_t v) {\n"
               "  return (reg & ~F::MASK) | ((v << F::LSB) & F::MASK);\n}\n\n")
    out.append("}  // namespace pnm::regs\n")
    return "".join(out)


def load(src_path, src_display):
    try:
        with open(src_path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise RegmapError("%s: cannot read: %s" % (src_display, exc.strerror))
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)
    except RegmapError as exc:
        raise RegmapError("%s: %s" % (src_display, exc))
    except yaml.YAMLError as exc:
        raise RegmapError("%s: YAML syntax error: %s" % (src_display, one_line(exc)))
    Validator(src_display).validate(doc)
    return doc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=os.path.join(REPO_ROOT, DEFAULT_SRC),
                    help="register-map YAML (default: %s)" % DEFAULT_SRC)
    ap.add_argument("--out-dir", default=REPO_ROOT,
                    help="root the outputs are written under (default: the repository root)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 listing outputs that are missing or would change")
    args = ap.parse_args(argv)

    src_abs = os.path.abspath(args.src)
    rel = os.path.relpath(src_abs, REPO_ROOT)
    src_display = src_abs if rel.startswith("..") else rel.replace(os.sep, "/")
    cmd = "python3 scripts/gen_regmap.py"
    if src_abs != os.path.join(REPO_ROOT, DEFAULT_SRC):
        cmd += " --src " + src_display

    try:
        doc = load(src_abs, src_display)
    except RegmapError as exc:
        print("gen_regmap: error: %s" % exc, file=sys.stderr)
        return 2

    outputs = [(OUT_SV, gen_sv(doc, src_display, cmd)),
               (OUT_H, gen_h(doc, src_display, cmd)),
               (OUT_HPP, gen_hpp(doc, src_display, cmd))]
    stale = []
    for rel_out, text in outputs:
        path = os.path.join(args.out_dir, rel_out)
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current == text:
            continue
        stale.append(rel_out)
        if not args.check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
    if args.check:
        if stale:
            for rel_out in stale:
                print("gen_regmap: out of date: %s" % rel_out.replace(os.sep, "/"), file=sys.stderr)
            print("gen_regmap: regenerate with: python3 scripts/gen_regmap.py", file=sys.stderr)
            return 1
        return 0
    for rel_out in stale:
        print("gen_regmap: wrote %s" % rel_out.replace(os.sep, "/"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
