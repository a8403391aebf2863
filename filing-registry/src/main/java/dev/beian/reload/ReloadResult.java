package dev.beian.reload;

import dev.beian.yaml.YamlError;
import dev.beian.registry.Registry;
import java.util.List;

/**
 * The outcome of one reload: the registry now serving, and either the diff it brought or the errors
 * that kept the old one.
 *
 * @param registry the registry serving after this reload (the old one when it failed)
 * @param changed  true when a new registry was swapped in
 * @param rejected true when a file was read and found invalid (SPEC §9 {@code beian_registry_rejected});
 *                 false when it could not be read at all, or on success
 */
public record ReloadResult(Registry registry, boolean changed, RegistryDiff diff, List<YamlError> errors,
                           boolean rejected) {

    public boolean success() {
        return errors.isEmpty();
    }
}
