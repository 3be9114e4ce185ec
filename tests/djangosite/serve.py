"""Serve the site on 127.0.0.1 (port 0): ``python -m djangosite.serve --token T --db PATH``.

Creates the tables and the service account, prints ``SCIM base URL: <url>`` and
``READY`` once the socket listens, then serves until killed (uvicorn, Django's
ASGI handler: sync views run one at a time on one thread, which SQLite wants).
"""

from __future__ import annotations

import argparse
import os
import socket


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    netloc = f"127.0.0.1:{sock.getsockname()[1]}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="djangosite.settings",
        DJANGOSITE_TOKEN=args.token,
        DJANGOSITE_DB=args.db,
        DJANGOSITE_NETLOC=netloc,
    )
    import django
    import uvicorn
    from django.core.asgi import get_asgi_application
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    from djangosite.auth import SERVICE_ACCOUNT
    from djangosite.models import User

    User.objects.get_or_create(username=SERVICE_ACCOUNT)
    print(f"SCIM base URL: http://{netloc}/scim/v2")
    print("READY", flush=True)
    config = uvicorn.Config(get_asgi_application(), log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
