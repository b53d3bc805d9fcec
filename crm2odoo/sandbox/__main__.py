"""``python -m crm2odoo.sandbox``: run the Odoo sandbox in the foreground."""

from __future__ import annotations

import argparse

from .schema import VERSIONS
from .server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crm2odoo.sandbox",
                                     description="Odoo-compatible test double (not Odoo).")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--version", default="18.0", choices=VERSIONS)
    parser.add_argument("--db-file", default=None, help="SQLite file; in memory when omitted")
    parser.add_argument("--database", default="sandbox")
    args = parser.parse_args(argv)
    server = SandboxServer(version=args.version, db_path=args.db_file, database=args.database, port=args.port,
                           host=args.host)
    server.start()
    print(f"Odoo {args.version} sandbox on {server.url} (database {server.database!r}, "
          f"login {server.admin_login}/{server.admin_password}, api key {server.admin_api_key})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
