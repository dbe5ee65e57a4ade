from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


document_list = upload = replace = download = _todo
