package io.energysentinel.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where deploy/ is, seen from this module's directory (Maven runs tests there). */
final class DeployDir {
    private DeployDir() {}

    static Path resolve(String relative) {
        Path deploy = Path.of("..", "deploy").toAbsolutePath().normalize();
        if (!Files.isDirectory(deploy)) {
            throw new IllegalStateException("no deploy/ next to " + Path.of("").toAbsolutePath());
        }
        return deploy.resolve(relative);
    }
}
