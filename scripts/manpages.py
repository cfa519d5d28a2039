#!/usr/bin/python3
"""Writes pyperfmap's man pages from its own --help texts, so they cannot disagree.

    manpages.py PYPERFMAP OUTDIR VERSION

pyperfmap(1) from `pyperfmap --help` and pyperfmap-CMD(1) from `pyperfmap CMD --help`
for every command that help lists. The help layout is "usage:" lines, paragraphs,
and option lines ("  -x, --long <arg>   what it does", continued further right),
which become SYNOPSIS, DESCRIPTION and OPTIONS.
"""
import os
import re
import subprocess
import sys

# "  -F, --freq <hz>   what": option names, one argument, then the description
OPTION = re.compile(r"^ {2,6}(-[^\s,]+(?:, -[^\s,]+)*(?:[ =](?:<[^>]+>|\[[^]]+\]|[A-Z]+))?)"
                    r"(?: +(\S.*))?$")
COMMAND = re.compile(r"^  ([a-z][a-z-]+) {2,}(\S.*)$")


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def option_head(spec):
    # "-F, --freq <hz>": the option names bold, their argument italic
    out = []
    for part in re.split(r"(<[^>]+>|\[[^]]+\])", spec):
        if part.startswith("<") or part.startswith("["):
            out.append("\\fI" + roff(part) + "\\fR")
        else:
            out.append(re.sub(r"(\\-[\w\\-]+)", r"\\fB\1\\fR", roff(part)))
    return "".join(out)


def page(name, section_title, version, help_text, commands):
    lines = help_text.rstrip("\n").split("\n")
    usage, i = [], 0
    while i < len(lines) and re.match(r"^\s*(usage|or):", lines[i]):
        usage.append(re.sub(r"^\s*(usage|or):\s*", "", lines[i]))
        i += 1
    body = lines[i:]
    # NAME: the first sentence of the first paragraph
    para = []
    for line in body:
        if not line.strip():
            if para:
                break
            continue
        para.append(line.strip())
    summary = re.split(r"(?<=[a-z)])\. ", " ".join(para) + " ")[0].strip().rstrip(".")
    summary = re.sub(r":.*", "", summary)
    out = ['.TH %s 1 "" "pyperfmap %s" "%s"' % (name.upper(), version, section_title),
           ".SH NAME", "%s \\- %s" % (name, roff(summary[:1].lower() + summary[1:])),
           ".SH SYNOPSIS"]
    for u in usage:
        out += [".nf", roff(u), ".fi"]
    out.append(".SH DESCRIPTION")
    in_options = False
    for line in body:
        opt = OPTION.match(line)
        cmd = COMMAND.match(line) if commands else None
        if cmd:
            out += [".TP", "\\fB%s\\fR" % cmd.group(1), roff(cmd.group(2))]
            in_options = True
        elif opt and not line.startswith("   " + " " * 20):
            if not in_options:
                out.append(".SH OPTIONS")
                in_options = True
            out += [".TP", option_head(opt.group(1).rstrip())]
            if opt.group(2):
                out.append(roff(opt.group(2)))
        elif not line.strip():
            out.append(".PP" if not in_options else "")
        elif in_options and line.startswith("   "):
            out.append(roff(line.strip()))
        else:
            if in_options and line.startswith(" "):
                out.append(roff(line.strip()))
                continue
            if in_options:
                out.append(".PP")
            in_options = False
            out.append(roff(line.strip()))
    others = ["pyperfmap-%s" % c for c in commands] if commands else ["pyperfmap"]
    out += [".SH SEE ALSO", ", ".join("\\fB%s\\fR(1)" % o for o in others) + ", \\fBperf\\fR(1)"]
    return "\n".join(l for l in out if l is not None) + "\n"


def main():
    exe, outdir, version = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    top = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
    commands = [m.group(1) for m in map(COMMAND.match, top.split("\n")) if m]
    if not commands:
        sys.exit("manpages.py: no commands in '%s --help'" % exe)
    pages = {"pyperfmap": page("pyperfmap", "pyperfmap manual", version, top, commands)}
    for c in commands:
        text = subprocess.run([exe, c, "--help"], capture_output=True, text=True,
                              check=True).stdout
        pages["pyperfmap-" + c] = page("pyperfmap-" + c, "pyperfmap manual", version, text, None)
    for name, text in pages.items():
        tmp = os.path.join(outdir, name + ".1.tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(outdir, name + ".1"))


main()
