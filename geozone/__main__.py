"""``python -m geozone`` runs the CLI."""

from geozone.cli import main

if __name__ == "__main__":
    main()
