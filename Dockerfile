FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH="/opt/venv/bin:$PATH"
WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev
COPY . .
# The translation catalogs' .mo files are not in git: built here, in pure Python (polib).
RUN python -m tools.i18n compile
# Static files are collected at build time; whitenoise serves them from the image.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput
RUN useradd --create-home copsite && mkdir -p /app/var/media && chown -R copsite /app/var
USER copsite
EXPOSE 8000
CMD ["gunicorn", "copsite.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
