package io.energysentinel.job.model;

import io.energysentinel.contract.records.ModelUpdate;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a model update must be before the job even opens its bundle: complete, a {@code file:} URI or absolute path
 * (no other scheme is served, so none is half-supported), under one of the configured model roots after links and
 * {@code ..} are resolved, with the graph's SHA-256, and for a model line the job serves. The same update gives the
 * same answer on every subtask: nothing here depends on what a subtask happens to serve.
 */
public final class UpdatePolicy implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final List<String> roots;

    /** A policy accepting bundles under {@code roots} only. */
    public UpdatePolicy(List<Path> roots) {
        this.roots = roots.stream().map(r -> r.toAbsolutePath().normalize().toString()).toList();
    }

    /**
     * The bundle directory {@code update} points to.
     *
     * @param servedLines model ids the job serves
     * @throws ModelRefusal when the update breaks a rule above
     */
    public Path check(ModelUpdate update, List<String> servedLines) {
        if (update.modelId() == null || update.modelVersion() == null || update.uri() == null
                || update.modelId().isBlank() || update.modelVersion().isBlank() || update.uri().isBlank()) {
            throw new ModelRefusal(ModelRefusal.Reason.MALFORMED_UPDATE, "a model update needs modelId, modelVersion and uri");
        }
        if (!servedLines.contains(update.modelId())) {
            throw new ModelRefusal(ModelRefusal.Reason.OTHER_MODEL_LINE, "this job serves " + servedLines + ", not " + update.modelId());
        }
        if (update.sha256() == null || !SHA256.matcher(update.sha256()).matches()) {
            throw new ModelRefusal(ModelRefusal.Reason.HASH_REQUIRED, "a model update must carry the graph's SHA-256 (64 hex digits)");
        }
        Path dir = directory(update.uri());
        Path real = realPath(dir);
        for (String root : roots) {
            Path r = realPath(Path.of(root));
            if (real.startsWith(r) && !real.equals(r)) {
                return real;
            }
        }
        throw new ModelRefusal(ModelRefusal.Reason.OUTSIDE_MODEL_ROOTS, "bundle " + real + " is not under the model roots " + roots);
    }

    /**
     * The directory a bundle URI names: an absolute path or a plain {@code file:} URI.
     *
     * @throws ModelRefusal ({@link ModelRefusal.Reason#UNSUPPORTED_URI}) for anything else
     */
    public static Path directory(String uri) {
        try {
            if (uri.startsWith("/")) {
                return Path.of(uri);
            }
            URI parsed = new URI(uri);
            if (!"file".equalsIgnoreCase(parsed.getScheme()) || parsed.getRawQuery() != null || parsed.getRawFragment() != null
                    || (parsed.getAuthority() != null && !parsed.getAuthority().isEmpty())) {
                throw new ModelRefusal(ModelRefusal.Reason.UNSUPPORTED_URI, "only file: URIs and absolute paths are served, got '"
                        + abbreviate(uri) + "'");
            }
            return Path.of(parsed);
        } catch (ModelRefusal e) {
            throw e;
        } catch (Exception e) {
            // URISyntaxException, IllegalArgumentException, FileSystemNotFoundException, InvalidPathException...
            throw new ModelRefusal(ModelRefusal.Reason.UNSUPPORTED_URI, "not a usable file URI: '" + abbreviate(uri) + "'");
        }
    }

    /** The path with links and {@code ..} resolved as far as it exists: a link out of a root must not count as in it. */
    private static Path realPath(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        Path existing = normal;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return normal;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(normal)).normalize();
        } catch (IOException e) {
            return normal;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
