from django.db.models import QuerySet

from erp.models import ImportRun


def import_run_list_for(user) -> QuerySet[ImportRun]:
    """Everybody's runs for those who may view import runs; otherwise one's own."""
    runs = ImportRun.objects.select_related("created_by")
    if user.has_perm("erp.view_importrun"):
        return runs
    return runs.filter(created_by=user)
