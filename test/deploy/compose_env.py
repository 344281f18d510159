#!/usr/bin/env python3
"""Prints one service's environment from docker/compose.yaml as KEY=VALUE lines, interpolated as compose does
(${VAR:-default}, ${VAR}, $$), with every compose service name replaced by a local address, so test/deploy/run.sh
can start the published apps with exactly the settings the containers get.

Reads only the subset of YAML that compose.yaml keeps to: two-space indentation, "services:", each service's
"environment:" as a plain KEY: value mapping.

usage: compose_env.py COMPOSE SERVICE [--host ADDRESS] [--replace OLD NEW]... [--set KEY=VALUE]...
       compose_env.py COMPOSE --services
"""
import argparse
import os
import re
import sys

INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value):
    def substitute(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(3)
        default = match.group(2)
        found = os.environ.get(name)
        return found if found not in (None, "") else (default or "")
    return INTERPOLATION.sub(substitute, value)


def unquote(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def read_services(path):
    """{service: {key: raw value}} for every service; services without an environment map to {}."""
    services, section, service, in_environment = {}, None, None, False
    with open(path, encoding="utf-8") as file:
        for raw in file:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip(" "))
            text = line.strip()
            if indent == 0:
                section, service, in_environment = text.rstrip(":"), None, False
            elif section == "services" and indent == 2:
                service, in_environment = text.rstrip(":"), False
                services[service] = {}
            elif service is not None and indent == 4:
                in_environment = text == "environment:"
            elif in_environment and indent == 6:
                key, separator, value = text.partition(":")
                if not separator:
                    sys.exit(f"compose_env: {service}: environment line is not KEY: value: {text}")
                services[service][key.strip()] = unquote(value)
    return services


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("compose")
    parser.add_argument("service", nargs="?")
    parser.add_argument("--services", action="store_true", help="list the services")
    parser.add_argument("--host", default="127.0.0.1", help="the address that replaces every service name")
    parser.add_argument("--replace", nargs=2, action="append", default=[], metavar=("OLD", "NEW"))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    services = read_services(args.compose)
    if args.services:
        print("\n".join(services))
        return
    if args.service not in services:
        sys.exit(f"compose_env: no service {args.service!r} in {args.compose}")
    # Longest names first, so "gateway1" is not half-replaced by a service called "gateway".
    names = sorted(services, key=len, reverse=True)
    host_pattern = re.compile(r"(?<![A-Za-z0-9_./-])(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9_/-])")
    overrides = dict(item.split("=", 1) for item in args.set)
    for key, raw in services[args.service].items():
        value = host_pattern.sub(args.host, interpolate(raw))
        for old, new in args.replace:
            value = value.replace(old, new)
        print(f"{key}={overrides.pop(key, value)}")
    for key, value in overrides.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
