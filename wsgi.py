"""WSGI entry point: `app` for servers; run directly, it migrates and serves SOP Desk."""

from admin_app import create_app

app = create_app()

if __name__ == "__main__":
    from admin_app.startup import prepare_and_serve

    prepare_and_serve(app)
