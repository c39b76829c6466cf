"""Django: the receiver as a view (Flask and FastAPI mount ``.wsgi`` / ``.asgi`` directly).

``urlpatterns = [path("consent-log", django_view(consent_log))]``. The view is CSRF-exempt:
a beacon carries no CSRF token; the receiver's own ``Origin`` check does that job.
"""


def django_view(log):
    """A Django view running the receiver's steps on ``request`` (WSGI or ASGI Django)."""
    from django.http import HttpResponse
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def consent_log(request):
        environ = dict(request.META)
        environ["PATH_INFO"] = ""       # the URL pattern already routed here: a mount point
        environ["SCRIPT_NAME"] = request.path
        environ["REQUEST_METHOD"] = request.method
        environ["HTTP_HOST"] = request.get_host()
        if request.method == "POST":
            environ["wsgi.input"] = _Body(request)
        status, reason = log.wsgi_decide(environ)
        status, headers, body = log.response(status, reason)
        response = HttpResponse(body, status=status)
        for k, v in headers:
            response[k] = v
        return response

    return consent_log


class _Body:
    """``wsgi.input`` for the receiver, reading through Django (which caps what it buffers)."""

    def __init__(self, request):
        self.request = request

    def read(self, n):
        return self.request.read(n)
