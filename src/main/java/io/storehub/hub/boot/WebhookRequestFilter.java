package io.storehub.hub.boot;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import io.storehub.hub.ingest.IngestPressure;
import io.storehub.hub.ingest.RequestGuard;
import io.storehub.hub.ingest.WebhookAdmission;
import io.storehub.hub.ingest.WebhookMetrics;
import io.storehub.hub.support.ErrorResponder;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.TenantKeys;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the servlet stack does to a webhook before the route runs, made safe: form and multipart
 * bodies (which fail in the binding with a bare 500) refused 415 here; the body cut at the cap plus
 * one byte (the binding reads it all into memory; the route answers 413); a flood bounded by
 * {@link WebhookAdmission} before the route's executor queues it. On Vert.x the route does all this.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookRequestFilter {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> webhookRequests(
            @Value("${storeganise.webhook.path:/webhooks/storeganise}") String webhookPath,
            @Value("${storeganise.webhook.max-body-size:1048576}") long maxBodySize,
            @Value("${storeganise.webhook.max-in-flight:256}") int maxInFlight,
            @Value("${storeganise.webhook.max-in-flight-bytes:16777216}") long maxInFlightBytes,
            ObjectProvider<MeterRegistry> meters) {
        WebhookAdmission admission = new WebhookAdmission();
        admission.setMaxRequests(maxInFlight);
        admission.setMaxBytes(maxInFlightBytes);
        MeterRegistry registry = meters.getIfAvailable();
        // counted with the route's refusals (refused before the route reads the tenant of the URL: tenant unknown)
        Counter overCapacity = registry == null ? null
                : WebhookMetrics.received(registry, TenantKeys.UNKNOWN_TENANT, "unknown", "rejected", "over_capacity");
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String type = request.getContentType();
                if ("POST".equalsIgnoreCase(request.getMethod()) && isFormOrMultipart(type)) {
                    refuse(response, RequestGuard.unsupportedMediaType(type));
                    return;
                }
                long declared = request.getContentLengthLong();
                long counted = declared < 0 || declared > maxBodySize ? maxBodySize : declared;
                if (!admission.tryAdmit(counted)) {
                    if (overCapacity != null) {
                        overCapacity.increment();
                    }
                    refuse(response, WebhookAdmission.overCapacity());
                    return;
                }
                boolean async = false;
                try {
                    chain.doFilter(new CappedBody(request, maxBodySize + 1, System.nanoTime()), response);
                    if (request.isAsyncStarted()) {
                        // the route answers on its executor: released when that answer is complete
                        request.getAsyncContext().addListener(new Release(admission, counted));
                        async = true;
                    }
                } finally {
                    if (!async) {
                        admission.release(counted);
                    }
                }
            }

            @Override
            protected boolean shouldNotFilterAsyncDispatch() {
                return true;
            }
        });
        // the hub's own webhook URL and each tenant's (webhookPath/<tenant>)
        registration.addUrlPatterns(webhookPath, webhookPath + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    static boolean isFormOrMultipart(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mime = contentType.toLowerCase(Locale.ROOT);
        return mime.startsWith("multipart/") || mime.startsWith("application/x-www-form-urlencoded");
    }

    private static void refuse(HttpServletResponse response, HttpRejection rejection) throws IOException {
        response.setStatus(rejection.getStatus());
        response.setContentType("application/json");
        if (rejection.getRetryAfterSeconds() > 0) {
            response.setHeader("Retry-After", String.valueOf(rejection.getRetryAfterSeconds()));
        }
        response.getOutputStream().write(ErrorResponder.body(rejection.getCode(), rejection.getDetail()));
    }

    /** Gives an admitted webhook's share back once its asynchronous answer is complete (or has failed). */
    private static final class Release implements AsyncListener {

        private final WebhookAdmission admission;
        private final long counted;
        private boolean released;

        Release(WebhookAdmission admission, long counted) {
            this.admission = admission;
            this.counted = counted;
        }

        private synchronized void release() {
            if (!released) {
                released = true;
                admission.release(counted);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release();
        }

        @Override
        public void onError(AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // the same request dispatched again keeps its share until this listener hears the end
            event.getAsyncContext().addListener(this);
        }
    }

    /** The body ends after {@code limit} bytes; header {@link IngestPressure#ADMITTED_AT} replaced by this filter's. */
    static final class CappedBody extends HttpServletRequestWrapper {

        private final long limit;
        private final String admittedAt;
        private ServletInputStream capped;

        CappedBody(HttpServletRequest request, long limit, long admittedAtNanos) {
            super(request);
            this.limit = limit;
            this.admittedAt = String.valueOf(admittedAtNanos);
        }

        @Override
        public String getHeader(String name) {
            return IngestPressure.ADMITTED_AT.equalsIgnoreCase(name) ? admittedAt : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return IngestPressure.ADMITTED_AT.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(admittedAt)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(IngestPressure.ADMITTED_AT::equalsIgnoreCase);
            names.add(IngestPressure.ADMITTED_AT);
            return Collections.enumeration(names);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (capped == null) {
                ServletInputStream in = super.getInputStream();
                capped = new ServletInputStream() {
                    private long left = limit;

                    @Override
                    public int read() throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int b = in.read();
                        if (b >= 0) {
                            left--;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = in.read(buffer, offset, (int) Math.min(length, left));
                        if (n > 0) {
                            left -= n;
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return left <= 0 || in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return capped;
        }
    }
}
