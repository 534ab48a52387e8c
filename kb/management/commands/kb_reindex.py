import time

from django.core.management.base import BaseCommand

from kb.models import Article
from kb.search import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the knowledge-base search index from the articles in the database."

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        postings = index_rebuild(Article.objects.all())
        self.stdout.write(
            f"indexed {Article.objects.count()} articles, {postings} postings in {time.perf_counter() - started:.1f} s"
        )
