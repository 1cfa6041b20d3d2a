# newsportal's front cache (issue #8), run by `make serve` (python -m newsportal.serve).
#
# The application decides what may be shared: only a response that says `Cache-Control: public`
# (or s-maxage) with a lifetime and sets no cookie is stored, under the surrogate keys of its
# `xkey` header.
# Personal requests (Django's session cookie, the admin, anything but GET/HEAD) go through
# untouched. The application purges by key after each change it commits:
#     PURGE / HTTP/1.1
#     xkey-purge: article-12 home
# from an address in the `purgers` ACL.
#
# The backends (a round-robin `app` director with a health probe) and the `purgers` ACL are
# written per run by newsportal/serve/vcl.py from DJANGO_BACKENDS and
# DJANGO_FRONT_CACHE_PURGE_FROM, in place of the include line below (one file: nothing for
# varnishd to look up on its vcl_path).
vcl 4.1;

import directors;
import std;
import xkey;

include "newsportal-backends.vcl";

sub vcl_recv {
    set req.backend_hint = app.backend();
    # Back after a failed fetch (vcl_synth): now a stale copy, if the cache has one, is served.
    if (req.http.newsportal-stale) {
        set req.hash_always_miss = false;
    }
    if (req.http.host) {
        set req.http.host = req.http.host.lower();
    }

    if (req.method == "PURGE") {
        call newsportal_purge;
    }
    # Comment posts, admin forms and any other method reach the application with their
    # cookies; methods it does not serve get its 405 there. A body of up to 1 MB (every public
    # form's limit) is kept, so that a post whose server died can be sent again
    # (vcl_backend_error).
    if (req.method != "GET" && req.method != "HEAD") {
        if (std.cache_req_body(1MB)) {
            set req.http.newsportal-body-kept = "1";
        }
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)" || req.http.Authorization) {
        return (pass);
    }
    # A reader with a session (staff logged in, a commenter whose comment awaits moderation)
    # sees a page of their own. (Django's SESSION_COOKIE_NAME: change both together.)
    if (req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (pass);
    }
    # Everyone else gets the shared page: csrftoken, analytics and other cookies mean nothing
    # to it.
    unset req.http.Cookie;

    # Links shared on social networks carry tracking parameters that would make every visitor's
    # URL a page of its own; the application does not read them.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    return (hash);
}

sub newsportal_purge {
    # A request relayed by a proxy on this host (a TLS terminator) comes from an allowed
    # address too; the address it relays for, in X-Forwarded-For, is what counts. Varnish has
    # already appended the connection's own address, so one entry means no relay.
    if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
        return (synth(403, "Forbidden"));
    }
    if (!req.http.xkey-purge) {
        return (synth(400, "PURGE needs an xkey-purge header"));
    }
    return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
}

sub vcl_hash {
    # Behind a TLS terminator the same URL is a different page over https (canonical links,
    # redirects).
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
}

sub vcl_hit {
    # A stale page is served while a fresh one is fetched in the background for as long as its
    # stale-while-revalidate allows (kept below as newsportal-swr). Past that, a healthy
    # application renders it now; a sick one leaves the stale page to be served for up to a
    # day (beresp.grace below). Such a restart does not wait for another reader's fetch of the
    # same page; only pages left unread past their stale-while-revalidate get here, so few do.
    if (obj.ttl <= 0s && req.restarts == 0 && std.healthy(req.backend_hint)
        && obj.ttl + std.duration(obj.http.newsportal-swr + "s", 0s) <= 0s) {
        set req.hash_always_miss = true;
        return (restart);
    }
}

sub vcl_backend_fetch {
    # A retry (vcl_backend_error) goes to another server than the one that failed.
    if (bereq.retries > 0) {
        call newsportal_other_backend;
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # A failed background refresh keeps the stale page rather than replacing it with the error;
    # so does a reader's refresh the first time (stale-if-error, vcl_synth): the database may be
    # down while the application still answers its health probe.
    if (beresp.status >= 500 && (bereq.is_bgfetch || !bereq.http.newsportal-stale)) {
        return (abandon);
    }
    # Stored only when the application says it may be shared: explicitly public, for some time
    # (s-maxage=0 is never reused; beresp.ttl is what is left after the response's Age), with
    # no cookie.
    if (beresp.http.Set-Cookie
        || beresp.ttl + beresp.age <= 0s
        || beresp.http.Cache-Control !~ "(?i)(^|[\s,])(public|s-maxage=)"
        || beresp.http.Cache-Control ~ "(?i)(^|[\s,])(private|no-store|no-cache)"
        || beresp.http.Vary == "*") {
        # Hit-for-miss: the next requests for it go straight to the application, in parallel,
        # until it answers with something shareable.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.http.newsportal-swr = beresp.grace;
    set beresp.grace = 1d;
    # Shared pages carry no secrets, so compressing them is safe (BREACH needs a secret in a
    # page); personal ones, which are never stored, are left as the application sent them.
    if (beresp.http.Content-Type ~ "(?i)^(text/|application/(json|xml|rss\+xml|atom\+xml|javascript))"
        && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    # No answer (a worker killed mid-request, a server gone before its probe says so): up to
    # twice more, to whichever server the director gives next. Safe for a comment post too: its
    # single-use token refuses a second copy of one that was stored before the answer was lost.
    if (bereq.retries < 2 && (bereq.method == "GET" || bereq.method == "HEAD"
        || bereq.http.newsportal-body-kept)) {
        set bereq.http.newsportal-failed = beresp.backend.name;
        return (retry);
    }
    # The application is down or did not answer: a background refresh keeps the stale page, and
    # a reader's fetch is tried once more from the cache (vcl_synth); a reader who had nothing
    # cached gets this page, stored for no one.
    if (bereq.is_bgfetch || (!bereq.uncacheable && !bereq.http.newsportal-stale)) {
        return (abandon);
    }
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "10";
    set beresp.http.Cache-Control = "no-store";
    set beresp.body = {"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment</title></head>
<body><h1>Back in a moment</h1><p>The news site cannot answer just now. Please try again in a few seconds.</p></body></html>
"};
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
    unset resp.http.newsportal-swr;
    call newsportal_cdn_keys;
    # The keys are for this cache; an allowed purger may ask to see them.
    if (!(req.http.X-Cache-Debug && client.ip ~ purgers)) {
        unset resp.http.xkey;
    }
    return (deliver);
}

sub vcl_synth {
    # A reader's fetch that failed (abandoned above): once more, from the cache's stale copy
    # if it has one (kept for a day: beresp.grace), else from the application again, whose
    # own answer then goes to the reader.
    if (resp.status == 503 && req.method != "PURGE" && !req.http.newsportal-stale) {
        set req.http.newsportal-stale = "1";
        return (restart);
    }
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason + {"
"};
    return (deliver);
}
