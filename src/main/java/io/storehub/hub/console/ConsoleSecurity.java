package io.storehub.hub.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.github.bucket4j.Bucket;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.tenant.AccessScope;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the console, and how (docs/console.md, Security model; settings there too): sign-in, sessions
 * ({@link ConsoleSessions}), their limits ({@link SignInLimits}) and cookies ({@link ConsoleCookies}), CSRF
 * checks. Tokens, passwords and session ids are never logged nor rendered.
 */
public class ConsoleSecurity implements CamelContextAware {

    public static final String SESSION_COOKIE = "hub_session";
    public static final String LOGIN_COOKIE = "hub_login";
    /** Exchange property: the Set-Cookie value the response carries. */
    public static final String SET_COOKIE_PROPERTY = "SgSetCookie";
    /** Exchange properties set for a signed-in request. */
    public static final String USER = "SgConsoleUser";
    public static final String CSRF = "SgCsrfToken";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);

    private final ConsoleSessions sessions = new ConsoleSessions();
    private final SignInLimits limits = new SignInLimits();
    private final ConsoleUsers users = new ConsoleUsers();
    private CamelContext camelContext;
    private ConsoleView view = new ConsoleView();

    // ------------------------------------------------------------------ every console request

    /** First step of every console route: 404 unless the admin token (or a tenant's token or user) is configured. */
    public void enabled(Exchange exchange) {
        if (!users.any(tenants())) {
            throw new HttpRejection(404, "console_disabled",
                    "The console is disabled: set STOREGANISE_ADMIN_TOKEN (storeganise.admin.token) to enable it.");
        }
    }

    /** A page (GET): requires a session; without one the browser is sent to the sign-in page. */
    public void page(Exchange exchange) throws SQLException {
        enabled(exchange);
        Map<String, String> session = sessions.find(ConsoleCookies.cookies(exchange).get(SESSION_COOKIE));
        // a tenant's session ends with its tenant (a tenant file removed while the hub runs)
        if (session == null || session.get("tenant") != null && camelContext != null
                && TenantDirectory.of(camelContext).get(session.get("tenant")) == null) {
            throw new HttpRejection(401, "signin_required", "Sign in to use the console.");
        }
        AccessScope scope = AccessScope.of(session.get("tenant"));
        scope.applyTo(exchange); // what the pages show and act on: all, or the session's tenant
        exchange.setProperty(USER, scope.actor(session.get("user")));
        exchange.setProperty(CSRF, session.get("csrf"));
        exchange.setProperty(EventHistory.ACTOR, "console: " + scope.actor(session.get("user")));
    }

    /** A state-changing request (POST): requires a session and its CSRF token. */
    public void action(Exchange exchange) throws SQLException {
        page(exchange);
        Map<String, String> form = Forms.read(exchange);
        String presented = form.get("_csrf");
        if (presented == null) {
            presented = exchange.getIn().getHeader("X-CSRF-Token", String.class);
        }
        if (!equal(presented, exchange.getProperty(CSRF, String.class))) {
            throw new HttpRejection(403, "csrf_token_invalid",
                    "This form has expired or did not come from the console: reload the page and try again.");
        }
    }

    // ------------------------------------------------------------------ sign-in and sign-out

    /** /console/login: GET shows the form (with a fresh CSRF token bound to a cookie of its own), POST signs in. */
    public void signIn(Exchange exchange) throws SQLException {
        if ("POST".equals(exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class))) {
            login(exchange);
        } else {
            enabled(exchange);
            loginForm(exchange, 200, null);
        }
    }

    /** POST /console/login: the admin token, or user and password (form or HTTP Basic). */
    private void login(Exchange exchange) throws SQLException {
        enabled(exchange);
        Map<String, String> form = Forms.read(exchange);
        String cookie = ConsoleCookies.cookies(exchange).get(LOGIN_COOKIE);
        if (cookie == null || !equal(form.get("_csrf"), cookie)) {
            throw new HttpRejection(403, "csrf_token_invalid", "The sign-in form has expired: reload the page and try again.");
        }
        String address = ClientAddress.of(exchange);
        Bucket forAddress = limits.forAddress(address);
        if (limits.refuses(forAddress)) {
            LOG.warn("Console sign-in refused: too many failed attempts ({} per address, {} in all, per minute)",
                    limits.attemptsPerAddress(), limits.attemptsTotal());
            loginForm(exchange, 429, "Too many failed sign-in attempts. Wait a minute, then try again.");
            exchange.getMessage().setHeader("Retry-After", "60");
            return;
        }
        ConsoleUsers.SignedIn user = authenticate(exchange, form);
        if (user == null) {
            limits.failed(forAddress);
            LOG.info("Console sign-in failed");
            loginForm(exchange, 401, "That token, or user and password, is not right.");
            return;
        }
        String id = sessions.open(user.user(), user.tenant());
        LOG.info("Console: {} signed in", AccessScope.of(user.tenant()).actor(user.user()));
        exchange.setProperty(SET_COOKIE_PROPERTY,
                ConsoleCookies.cookie(exchange, SESSION_COOKIE, id, "/console", sessions.timeout().toSeconds()));
        ConsoleView.redirect(exchange, "/console");
    }

    /** POST /console/logout: deletes the session and its cookie. */
    public void logout(Exchange exchange) throws SQLException {
        action(exchange);
        sessions.close(ConsoleCookies.cookies(exchange).get(SESSION_COOKIE));
        LOG.info("Console: {} signed out", exchange.getProperty(USER));
        exchange.setProperty(SET_COOKIE_PROPERTY, ConsoleCookies.cookie(exchange, SESSION_COOKIE, "", "/console", 0));
        ConsoleView.redirect(exchange, "/console/login?signed-out=1");
    }

    /** The purge timer: forgets expired sessions. */
    public int purgeSessions() throws SQLException {
        return sessions.purge();
    }

    /** Forgets the failed sign-in counts (for tests that prove the limit and must not lock out the next one). */
    public void resetLoginLimits() {
        limits.reset();
    }

    // ------------------------------------------------------------------ errors

    /**
     * The console's error responder: a page that needs a sign-in sends the browser there (a refresh
     * request gets the 401 itself); a disabled console is a bare 404; anything else an error page.
     */
    public void error(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause instanceof HttpRejection r) {
            if (r.getStatus() == 404 && "console_disabled".equals(r.getCode())) {
                ConsoleView.text(exchange, 404, "text/plain; charset=utf-8", "Not Found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            boolean fetch = exchange.getIn().getHeader("X-Requested-With") != null;
            if (r.getStatus() == 401 && !fetch && "GET".equals(exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class))) {
                ConsoleView.redirect(exchange, "/console/login");
                return;
            }
            LOG.info("Console request refused: {} {}", r.getStatus(), r.getCode());
            errorPage(exchange, r.getStatus(), r.getDetail());
            return;
        }
        LOG.error("Console request failed: {}", cause == null ? "unknown" : cause.toString(), cause);
        errorPage(exchange, 500, "The console could not do that; the hub's log says why.");
    }

    private void errorPage(Exchange exchange, int status, String detail) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Error " + status);
        model.put("status", status);
        model.put("detail", detail);
        model.put("csrf", exchange.getProperty(CSRF));
        model.put("signedIn", exchange.getProperty(USER) != null);
        model.put("user", exchange.getProperty(USER));
        view.page(exchange, status, "error", model);
    }

    // ------------------------------------------------------------------ helpers

    private void loginForm(Exchange exchange, int status, String error) {
        String csrf = ConsoleSessions.token(24);
        exchange.setProperty(SET_COOKIE_PROPERTY, ConsoleCookies.cookie(exchange, LOGIN_COOKIE, csrf, "/console/login", 3600));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Sign in");
        model.put("csrf", csrf);
        model.put("error", error);
        model.put("basic", users.passwords(tenants()));
        model.put("signedOut", exchange.getIn().getHeader("signed-out") != null);
        view.page(exchange, status, "login", model);
    }

    /** Who signs in, or null: an admin token (user "admin") or a configured user and password ({@link ConsoleUsers}). */
    private ConsoleUsers.SignedIn authenticate(Exchange exchange, Map<String, String> form) {
        ConsoleUsers.SignedIn byToken = users.byToken(form.get("token"), tenants());
        if (byToken != null) {
            return byToken;
        }
        String user = form.get("username");
        String pass = form.get("password");
        String header = exchange.getIn().getHeader("Authorization", String.class);
        if ((user == null || user.isBlank()) && header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    user = decoded.substring(0, colon);
                    pass = decoded.substring(colon + 1);
                }
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        return users.byPassword(user, pass, tenants());
    }

    private Collection<Tenant> tenants() {
        return camelContext == null ? List.of() : TenantDirectory.of(camelContext).all();
    }

    private static boolean equal(String presented, String expected) {
        return presented != null && expected != null
                && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ configuration

    public void setDataSource(DataSource dataSource) {
        sessions.setDataSource(dataSource);
    }

    public void setAdminToken(String adminToken) {
        users.setAdminToken(adminToken);
    }

    public void setUsername(String username) {
        users.setUsername(username);
    }

    public void setPassword(String password) {
        users.setPassword(password);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setSessionTimeout(String sessionTimeout) {
        sessions.setSessionTimeout(Duration.parse(sessionTimeout));
    }

    public void setAttemptsPerAddress(int attemptsPerAddress) {
        limits.setAttemptsPerAddress(attemptsPerAddress);
    }

    public void setAttemptsTotal(int attemptsTotal) {
        limits.setAttemptsTotal(attemptsTotal);
    }

    public void setView(ConsoleView view) {
        this.view = view;
    }
}
