package io.storehub.hub.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;

import io.storehub.hub.tenant.Tenant;

/**
 * Who may sign in to the console and what each sees (docs/tenants.md, Access): the global token and user see all,
 * a tenant's token and user that tenant. Credentials are compared in constant time, the tenants' as they are now.
 */
final class ConsoleUsers {

    /** Someone signed in: the user shown and recorded as actor, and the tenant it acts for (null: all). */
    record SignedIn(String user, String tenant) {
    }

    private byte[] adminToken = new byte[0];
    private String username = "";
    private byte[] password = new byte[0];

    /** The admin token, or null when the token presented is none of them. */
    SignedIn byToken(String token, Collection<Tenant> tenants) {
        if (token == null || token.isBlank()) {
            return null;
        }
        byte[] presented = token.trim().getBytes(StandardCharsets.UTF_8);
        SignedIn found = adminToken.length > 0 && MessageDigest.isEqual(presented, adminToken) ? new SignedIn("admin", null) : null;
        for (Tenant t : tenants) {
            if (found == null && t.adminToken() != null && !t.adminToken().isBlank()
                    && MessageDigest.isEqual(presented, t.adminToken().trim().getBytes(StandardCharsets.UTF_8))) {
                found = new SignedIn("admin", t.name());
            }
        }
        return found;
    }

    /** The user with this password (the hub's own first, then the tenants' in name order), or null. */
    SignedIn byPassword(String user, String pass, Collection<Tenant> tenants) {
        if (user == null || pass == null) {
            return null;
        }
        SignedIn found = matches(user, pass, username, password) ? new SignedIn(username, null) : null;
        for (Tenant t : tenants) {
            if (found == null && t.consoleUsername() != null && t.consolePassword() != null
                    && matches(user, pass, t.consoleUsername().trim(), t.consolePassword().getBytes(StandardCharsets.UTF_8))) {
                found = new SignedIn(t.consoleUsername().trim(), t.name());
            }
        }
        return found;
    }

    /** Whether anyone may sign in with a password (the form then offers it). */
    boolean passwords(Collection<Tenant> tenants) {
        return !username.isEmpty() && password.length > 0
                || tenants.stream().anyMatch(t -> t.consoleUsername() != null && t.consolePassword() != null);
    }

    /** Whether the console exists: the admin token, or a tenant's token or user, is configured. */
    boolean any(Collection<Tenant> tenants) {
        return adminToken.length > 0 || tenants.stream().anyMatch(t -> t.adminToken() != null && !t.adminToken().isBlank()
                || t.consoleUsername() != null && t.consolePassword() != null);
    }

    private static boolean matches(String user, String pass, String expectedUser, byte[] expectedPassword) {
        return !expectedUser.isEmpty() && expectedPassword.length > 0
                & MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), expectedUser.getBytes(StandardCharsets.UTF_8))
                & MessageDigest.isEqual(pass.getBytes(StandardCharsets.UTF_8), expectedPassword);
    }

    void setAdminToken(String adminToken) {
        this.adminToken = adminToken == null ? new byte[0] : adminToken.trim().getBytes(StandardCharsets.UTF_8);
    }

    void setUsername(String username) {
        this.username = username == null ? "" : username.trim();
    }

    void setPassword(String password) {
        this.password = password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
    }
}
