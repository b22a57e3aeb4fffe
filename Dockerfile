FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SUMMITWATCH_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY summitwatch ./summitwatch
COPY workers ./workers
COPY schedules ./schedules
COPY storage ./storage
COPY seeds ./seeds
COPY web ./web
COPY bench ./bench
# gcc builds the extractor's word split (workers/extract/_speedups.c) and leaves with its
# package lists in the same layer.
# The alert rules start as the bundled defaults, copied into the data folder: a new named
# volume mounted there is filled from the image, so the rules can be edited (PUT
# /api/alert-rules) and survive restarts. With a bind mount, put an alert_rules.yaml there.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install . \
    && apt-get purge -y --auto-remove gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 summitwatch \
    && mkdir -p /data \
    && cp schedules/alert_rules.yaml /data/alert_rules.yaml \
    && chown -R summitwatch /data
USER summitwatch
VOLUME ["/data"]
EXPOSE 8000 5555

# Every service runs one `summitwatch` subcommand (see docker-compose.yml); Flower runs `celery`.
ENTRYPOINT ["summitwatch"]
CMD ["web", "--host", "0.0.0.0", "--port", "8000"]
