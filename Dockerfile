FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SUMMITWATCH_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY summitwatch ./summitwatch
COPY workers ./workers
COPY schedules ./schedules
COPY storage ./storage
COPY seeds ./seeds
COPY web ./web
COPY bench ./bench
RUN pip install . && useradd --create-home --uid 1000 summitwatch && mkdir -p /data && chown summitwatch /data
USER summitwatch
VOLUME ["/data"]
EXPOSE 8000

# Every service runs one `summitwatch` subcommand (see docker-compose.yml).
ENTRYPOINT ["summitwatch"]
CMD ["web", "--host", "0.0.0.0", "--port", "8000"]
