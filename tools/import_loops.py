#!/usr/bin/env python3
"""Import loops between the modules of a Rust crate.

    python3 tools/import_loops.py crates/api/src [crates/services/src ...]
    python3 tools/import_loops.py --capabilities routes crates/api/src

The second form also prints every import from one capability folder below
`routes` (`routes/crm/...`) into another (`routes/billing/...`): a
capability (a folder whose `mod.rs` has a `configure`) may use shared modules
(`routes/wire/`) but never another capability's.

Reads every `.rs` file below each source folder (tests left out), takes the
paths each names (`crate::a::b::Item`, `super::x::Item`, `self::x`, in `use`
lines and in code), resolves each to the deepest module file it names, and
prints every strongly connected set of two or more files: a loop of imports.
A `mod.rs` that calls its children (`customers::configure`) and children
that take helpers from that `mod.rs` (`super::Paged`) form a loop too:
shared helpers belong in a module of their own. Exits 1 when a loop is found, so
`.ci/run` can hold the line. Standard library only.
"""

import re
import sys
from pathlib import Path

PATH = re.compile(r"\b(crate|super|self)((?:::\w+)+)")
# A path that starts at a module declared in this one: `customers::configure`.
BARE = re.compile(r"(?<![:\w])([a-z_][a-z0-9_]*)((?:::\w+)+)")
GROUP = re.compile(r"\b(crate|super|self)((?:::\w+)*)::\{([^{}]*)\}", re.S)


def module_of(root: Path, file: Path) -> tuple:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def strip_tests(text: str) -> str:
    # Unit tests at the end of a file (`#[cfg(test)] mod tests { ... }`).
    index = text.find("#[cfg(test)]")
    return text if index < 0 else text[:index]


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def references(text: str):
    """(anchor, [segments]) for every path named, groups expanded."""
    for m in GROUP.finditer(text):
        base = [s for s in m.group(2).split("::") if s]
        for item in m.group(3).split(","):
            item = item.strip().split(" as ")[0].strip()
            if item:
                yield m.group(1), base + [s for s in item.split("::") if s]
    for m in PATH.finditer(GROUP.sub("", text)):
        yield m.group(1), [s for s in m.group(2).split("::") if s]
    for m in BARE.finditer(GROUP.sub("", text)):
        if m.group(1) not in ("crate", "super", "self"):
            yield "child", [m.group(1)] + [s for s in m.group(2).split("::") if s]


REEXPORT = re.compile(r"^\s*pub(?:\([^)]*\))?\s+use\s+([^;]+);", re.M)


def reexports_of(text, here, modules):
    """(module, item) -> the module that defines what `pub use` re-exports."""
    out = {}
    for m in REEXPORT.finditer(text):
        body = m.group(1).strip()
        if "{" in body:
            base, items = body.split("{", 1)
            base = base.rstrip(":").strip()
            items = items.rstrip("}").split(",")
        else:
            base, _, last = body.rpartition("::")
            items = [last]
        for item in items:
            item = item.strip()
            if not item:
                continue
            name = item.split(" as ")[-1].strip().split("::")[-1]
            path = [s for s in (base + "::" + item.split(" as ")[0]).split("::") if s]
            anchor = path[0] if path[0] in ("crate", "super", "self") else "child"
            segments = path[1:] if anchor != "child" else path
            target = resolve(anchor, segments, here, modules, {})
            if target is not None:
                out[(here, name)] = target
    return out


def resolve(anchor, segments, here, modules, reexports):
    if anchor == "crate":
        base = ()
    elif anchor in ("self", "child"):
        base = here
    else:
        base = here[:-1]
        while segments and segments[0] == "super":
            base, segments = base[:-1], segments[1:]
    best = base if base in modules and anchor != "child" else None
    path = base
    rest = list(segments)
    while rest:
        step = path + (rest[0],)
        if step not in modules:
            break
        path = best = step
        rest.pop(0)
    # An item a module re-exports lives where it is defined.
    if best is not None and rest and (best, rest[0]) in reexports:
        return reexports[(best, rest[0])]
    return best


def graph_of(root):
    """(files, graph): every module file below `root` and what each imports."""
    files = {
        module_of(root, f): f
        for f in root.rglob("*.rs")
        if "tests" not in f.relative_to(root).parts
    }
    graph = {m: set() for m in files}
    texts = {here: strip_comments(strip_tests(file.read_text())) for here, file in files.items()}
    reexports = {}
    for here, text in texts.items():
        reexports.update(reexports_of(text, here, files))
    for here, text in texts.items():
        # A module's facade (`pub use`) is not a dependency of its own.
        for anchor, segments in references(REEXPORT.sub("", text)):
            there = resolve(anchor, segments, here, files, reexports)
            # The crate root only declares modules and re-exports.
            if there is None or there == here or there == ():
                continue
            graph[here].add(there)
    return files, graph


def crossings(root, folder):
    """Imports from one capability folder below `folder` into another."""
    files, graph = graph_of(Path(root))
    base = tuple(Path(folder).parts)
    # A capability folder routes requests: its `mod.rs` has a `configure`.
    capabilities = {
        m[len(base)]
        for m, f in files.items()
        if m[: len(base)] == base
        and len(m) == len(base) + 1
        and f.name == "mod.rs"
        and "pub fn configure" in f.read_text()
    }

    def capability(module):
        if module[: len(base)] == base and len(module) > len(base):
            name = module[len(base)]
            return name if name in capabilities else None
        return None

    found = []
    for here, theres in graph.items():
        mine = capability(here)
        for there in theres:
            theirs = capability(there)
            if mine and theirs and mine != theirs:
                found.append((str(files[here]), str(files[there])))
    return sorted(found)


def loops(roots):
    found = []
    for root in map(Path, roots):
        files, graph = graph_of(root)
        for component in strongly_connected(graph):
            if len(component) > 1:
                found.append(sorted(str(files[m]) for m in component))
    return found


def strongly_connected(graph):
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(component)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    args = sys.argv[1:]
    folder = None
    if args[:1] == ["--capabilities"]:
        folder, args = args[1], args[2:]
    roots = args or ["crates/api/src"]
    found = loops(roots)
    for i, component in enumerate(found, 1):
        print(f"loop {i}: {len(component)} files: " + ", ".join(component))
    if not found:
        print("no import loops in " + ", ".join(roots))
    crossed = []
    if folder is not None:
        for root in roots:
            crossed += crossings(root, folder)
        for here, there in crossed:
            print(f"capability crossing: {here} imports {there}")
        if not crossed:
            print(f"no capability imports another's below {folder}")
    return 1 if found or crossed else 0


if __name__ == "__main__":
    sys.exit(main())
