package io.storehub.hub.tenant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.SettingText;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants (docs/tenants.md): {@code storeganise.tenants.<name>.*} read at start-up, and the files of
 * {@code storeganise.tenant-files} read again by {@link #reload}: a changed file is checked whole and
 * applied, or refused ({@link #refusals}) keeping what ran before; a removed file removes its tenant.
 */
public class TenantDirectory implements CamelContextAware {

    public static final String BEAN = "tenantDirectory";
    private static final Object BINDING = new Object();

    private static final Logger LOG = LoggerFactory.getLogger(TenantDirectory.class);
    private static final String APPLICATION = "application configuration";

    private CamelContext camelContext;
    private String files = "tenants";
    private final List<TenantListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Tenant> tenants;
    /** The tenants by the add-on hosts they claim, kept with {@link #tenants}. */
    private volatile Map<String, Tenant> byAddonHost = Map.of();
    /** The file text each file tenant was read from, to see what changed. */
    private final Map<Path, String> applied = new LinkedHashMap<>();
    /** Files refused, with why and the text refused, so a file is not checked again until it changes. */
    private final Map<Path, Refusal> refused = new TreeMap<>();

    private record Refusal(String why, String text) {
    }

    /** The directory of this Camel context, bound on first use: route files' beans are created in no set order. */
    public static TenantDirectory of(CamelContext camelContext) {
        synchronized (BINDING) {
            TenantDirectory directory = camelContext.getRegistry().lookupByNameAndType(BEAN, TenantDirectory.class);
            if (directory == null) {
                directory = new TenantDirectory();
                directory.setCamelContext(camelContext);
                directory.setFiles(camelContext.resolvePropertyPlaceholders("{{storeganise.tenant-files:tenants}}"));
                camelContext.getRegistry().bind(BEAN, directory);
            }
            return directory;
        }
    }

    /** The tenants in force (read on first use); empty when none is configured. */
    public Map<String, Tenant> tenants() {
        Map<String, Tenant> t = tenants;
        if (t == null) {
            synchronized (this) {
                if (tenants == null) {
                    inForce(start());
                }
                t = tenants;
            }
        }
        return t;
    }

    public Tenant get(String name) {
        return name == null ? null : tenants().get(name);
    }

    public Collection<Tenant> all() {
        return tenants().values();
    }

    public boolean isEmpty() {
        return tenants().isEmpty();
    }

    /** The tenant whose {@code api.addon-hosts} lists this host, or null. */
    public Tenant byAddonHost(String host) {
        tenants();
        return host == null ? null : byAddonHost.get(host.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether any tenant claims add-on hosts (add-on events on the shared URL must then belong to one). */
    public boolean resolvesAddons() {
        tenants();
        return !byAddonHost.isEmpty();
    }

    private void inForce(Map<String, Tenant> next) {
        Map<String, Tenant> hosts = new java.util.HashMap<>();
        next.values().forEach(t -> t.addonHosts().forEach(h -> hosts.put(h, t)));
        byAddonHost = Map.copyOf(hosts);
        tenants = Map.copyOf(next);
    }

    /** An add-on host belongs to one tenant only. */
    private static void checkAddonHosts(Tenant tenant, Map<String, Tenant> others) {
        for (Tenant other : others.values()) {
            String host = other.name().equals(tenant.name()) ? null
                    : tenant.addonHosts().stream().filter(other.addonHosts()::contains).findFirst().orElse(null);
            if (host != null) {
                throw new HubConfigurationException(TenantReader.PREFIX + tenant.name() + ".api.addon-hosts lists " + host
                        + ", which tenant '" + other.name() + "' lists already (" + tenant.source() + "); an add-on host belongs to one tenant.");
            }
        }
    }

    /** The tenant files refused and why (file name -> message), for the console. */
    public synchronized Map<String, String> refusals() {
        Map<String, String> out = new TreeMap<>();
        refused.forEach((path, refusal) -> out.put(path.getFileName().toString(), refusal.why()));
        return out;
    }

    /**
     * Registers a listener and gives it the tenants in force, checked by it too: when they were read before it
     * listened, a file tenant it refuses is dropped (and shown as refused); an application-configured one stops the hub.
     */
    public synchronized void listen(TenantListener listener) {
        boolean readBefore = tenants != null;
        listeners.add(listener);
        Map<String, Tenant> now = new TreeMap<>(tenants());
        if (readBefore) {
            for (Tenant t : List.copyOf(now.values())) {
                try {
                    listener.check(t);
                } catch (HubConfigurationException e) {
                    if (APPLICATION.equals(t.source())) {
                        throw new HubConfigurationException(inTenant(t, e.getMessage()));
                    }
                    Path file = Path.of(t.source());
                    String why = inTenant(t, e.getMessage());
                    refused.put(file, new Refusal(why, applied.remove(file)));
                    now.remove(t.name());
                    LOG.error("Tenant file {} refused, the tenant is not served: {}", file, why);
                }
            }
            inForce(now);
        }
        listener.apply(tenants);
    }

    private Map<String, Tenant> start() {
        TenantReader reader = new TenantReader(camelContext);
        Map<String, Properties> byName = new TreeMap<>();
        // (stringPropertyNames: the Properties Camel answers keeps its entries apart from Hashtable's forEach)
        Properties listed = camelContext.getPropertiesComponent().loadProperties(k -> k.startsWith(TenantReader.PREFIX));
        for (String k : listed.stringPropertyNames()) {
            String rest = k.substring(TenantReader.PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                throw new HubConfigurationException(k + " is not a tenant setting: expected " + TenantReader.PREFIX + "<name>.<setting>.");
            }
            byName.computeIfAbsent(rest.substring(0, dot), n -> new Properties()).setProperty(rest.substring(dot + 1), listed.getProperty(k));
        }
        Map<String, Tenant> read = new TreeMap<>();
        byName.forEach((name, own) -> {
            Tenant t = reader.read(name, APPLICATION, own);
            checkAddonHosts(t, read);
            checkWithListeners(t);
            read.put(name, t);
        });
        scan(read, reader); // under the lock of tenants(), which called this
        if (!read.isEmpty()) {
            LOG.info("Tenants: {}", read.values());
        }
        return Map.copyOf(read);
    }

    /** Reads the tenant files again; applies what is new or changed and checks out, drops removed ones. */
    public synchronized void reload() {
        Map<String, Tenant> next = new TreeMap<>(tenants());
        if (scan(next, new TenantReader(camelContext))) {
            inForce(next);
            for (TenantListener l : listeners) {
                l.apply(tenants);
            }
            LOG.info("Tenants now: {}", tenants.keySet());
        }
    }

    /** Reads the folder into {@code into}; answers whether anything changed. */
    private boolean scan(Map<String, Tenant> into, TenantReader reader) {
        Path folder = Path.of(files);
        Map<Path, String> present = new TreeMap<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, "*.{yaml,yml}")) {
                for (Path file : dir) {
                    present.put(file, Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                LOG.warn("Tenant files in {} could not be read ({}); the tenants in force are kept", folder.toAbsolutePath(), e.toString());
                return false;
            }
        }
        boolean changed = false;
        for (Path gone : List.copyOf(applied.keySet())) {
            if (!present.containsKey(gone)) {
                applied.remove(gone);
                into.remove(nameOf(gone));
                LOG.warn("Tenant file {} was removed: tenant '{}' is no longer served", gone, nameOf(gone));
                changed = true;
            }
        }
        refused.keySet().removeIf(p -> !present.containsKey(p));
        for (Map.Entry<Path, String> file : present.entrySet()) {
            Path path = file.getKey();
            String text = file.getValue();
            if (text.equals(applied.get(path)) || (refused.containsKey(path) && text.equals(refused.get(path).text()))) {
                continue;
            }
            String name = nameOf(path);
            try {
                Tenant existing = into.get(name);
                if (existing != null && APPLICATION.equals(existing.source())) {
                    throw new HubConfigurationException(path + ": tenant '" + name + "' is already configured under "
                            + TenantReader.PREFIX + name + " in the application configuration; configure it in one place.");
                }
                Tenant t = reader.read(name, path.toString(), TenantReader.parseYaml(text, path.toString()));
                checkAddonHosts(t, into);
                checkWithListeners(t);
                into.put(name, t);
                applied.put(path, text);
                refused.remove(path);
                changed = true;
                LOG.info("Tenant file {} applied: {}", path, t);
            } catch (RuntimeException e) {
                // a mistake the checks name (HubConfigurationException), or one they did not foresee: refused all the same,
                // so that no file stops the hub or is tried again before it changes
                String why = e instanceof HubConfigurationException ? e.getMessage()
                        : path + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                refused.put(path, new Refusal(why, text));
                LOG.error("Tenant file {} refused, {}: {}", path,
                        applied.containsKey(path) ? "the tenant keeps the configuration it ran with" : "the tenant is not served", why);
            }
        }
        return changed;
    }

    private void checkWithListeners(Tenant tenant) {
        for (TenantListener l : listeners) {
            try {
                l.check(tenant);
            } catch (HubConfigurationException e) {
                throw new HubConfigurationException(inTenant(tenant, e.getMessage()));
            }
        }
    }

    /** A message about top-level keys, written with the tenant's own ({@code storeganise.tenants.acme.destinations.x}). */
    static String inTenant(Tenant tenant, String message) {
        String qualified = message.replace(tenant.name() + io.storehub.hub.support.TenantKeys.SEPARATOR, "")
                .replace("storeganise.", TenantReader.PREFIX + tenant.name() + ".");
        return qualified.contains(tenant.source()) ? qualified : qualified + " (" + tenant.source() + ")";
    }

    private static String nameOf(Path file) {
        String f = file.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }

    // ---- configuration (YAML bean properties) ----

    /** The folder of the tenant files ({@code storeganise.tenant-files}, default {@code tenants}). */
    public void setFiles(String files) {
        this.files = Objects.requireNonNullElse(SettingText.blankToNull(files), "tenants");
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
