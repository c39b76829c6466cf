"""``python -m consentry_build.bench [--samples N] [--out FILE] [--cpu-throttle X] [--only a,b] [--no-warm] [--no-build]``

The same as ``invoke bench``; prints the markdown report.
"""
import argparse

from . import run


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m consentry_build.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--samples", "-n", type=int, default=15)
    ap.add_argument("--out", default=None, help="markdown file to write (raw JSON next to it)")
    ap.add_argument("--cpu-throttle", type=float, default=1.0)
    ap.add_argument("--only", default=None, help="comma-separated rows; baseline and vanilla-cookieconsent always run")
    ap.add_argument("--no-warm", action="store_true", help="skip the warm-cache returning visitor")
    ap.add_argument("--no-build", action="store_true", help="do not run and time the build")
    a = ap.parse_args(argv)
    print(run(samples=a.samples, out=a.out, cpu_throttle=a.cpu_throttle, only=a.only, warm=not a.no_warm,
              build_cmd=False if a.no_build else None))


if __name__ == "__main__":
    main()
