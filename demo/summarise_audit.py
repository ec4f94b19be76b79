#!/usr/bin/env python3
"""Summarises `shelf audit --json` for the demo: counts, then the problems."""
import collections
import json
import sys

report_path, err_path, status, seconds = sys.argv[1:5]
reports = json.load(open(report_path))
errors = [line for line in open(err_path) if line.strip()]
ok = [r for r in reports if r.get("ok")]
libraries = {lib["path"] for r in reports for lib in r.get("libraries", []) if lib.get("path")}
rules = collections.Counter(res["rule"] for r in reports for res in r.get("resolutions", []))
print(f"audited {len(reports)} ELF files in {seconds} s (exit status {status})")
print(f"  everything resolves: {len(ok)}")
print(f"  with problems:       {len(reports) - len(ok)}")
print(f"  distinct libraries:  {len(libraries)}")
print("  resolutions by rule: " + ", ".join(f"{k} {v}" for k, v in rules.most_common()))
problems = [r for r in reports if not r.get("ok")]
for r in problems[:10]:
    missing = ", ".join(m.get("name", "?") if isinstance(m, dict) else str(m) for m in r.get("missing", []))
    versions = len(r.get("version_problems", []))
    findings = "; ".join(f.get("message", str(f)) if isinstance(f, dict) else str(f) for f in r.get("findings", []))
    print(f"  {r['path']}: missing [{missing}] version problems {versions} {findings}")
if len(problems) > 10:
    print(f"  … and {len(problems) - 10} more")
for line in errors[:5]:
    print("  " + line.rstrip())
