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
 */
public record ReloadResult(Registry registry, boolean changed, RegistryDiff diff, List<YamlError> errors) {

    public boolean success() {
        return errors.isEmpty();
    }
}
