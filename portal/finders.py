"""Static files taken one by one from npm packages, for packages whose `dist` folder is mostly source maps
and type declarations (mermaid's is 84 MB; the portal serves one 3.6 MB file of it)."""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# public static path → path below node_modules
NPM_FILES = {"mermaid/mermaid.min.js": "mermaid/dist/mermaid.min.js"}


class NpmFileFinder(BaseFinder):
    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        source = NPM_FILES.get(path)
        found = settings.BASE_DIR / "node_modules" / source if source else None
        if found is None or not found.exists():
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        for public, source in NPM_FILES.items():
            folder = settings.BASE_DIR / "node_modules" / PurePosixPath(source).parent
            storage = FileSystemStorage(location=folder)
            storage.prefix = str(PurePosixPath(public).parent)  # collectstatic writes to prefix/name
            if storage.exists(PurePosixPath(source).name):
                yield PurePosixPath(source).name, storage
