# The print desk (python build.py serve) in a container; see README: Deploy.
#   docker build -t outreach-desk .
#   docker run -p 8000:8000 -e OUTREACH_PASSWORD=... -v outreach-cache:/var/cache/outreach outreach-desk
# It refuses to start without OUTREACH_PASSWORD (it binds 0.0.0.0). The only state is the
# cache volume, so several containers can run behind one reverse proxy.
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/var/cache \
    PATH=/app/.venv/bin:$PATH
WORKDIR /app

# setup.sh is the one list of system packages (Debian's Python 3.11, Pango, Noto fonts) and
# makes the virtualenv in /app/.venv. Only what it reads is copied first, so editing the
# content or the templates does not reinstall anything.
COPY setup.sh pyproject.toml README.md LICENSE build.py ./
COPY outreach/ outreach/
RUN bash setup.sh \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /root/.cache

COPY templates/ templates/
COPY content/ content/

# Run as a user that owns nothing but the cache (rendered files keyed by their inputs,
# and the output folder the gallery shows).
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin outreach \
 && mkdir -p /var/cache/outreach/output \
 && chown -R outreach:outreach /var/cache/outreach
USER outreach
VOLUME ["/var/cache/outreach"]

EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["python", "build.py", "serve", "--host", "0.0.0.0", "--port", "8000", "--out", "/var/cache/outreach/output"]
