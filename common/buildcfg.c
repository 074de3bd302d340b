/* SPDX-License-Identifier: ISC */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buildcfg.h"
#include "common/caps.h"
#include "common/json.h"

/*
 * build.json(5). The parser accepts exactly the documented shape: every
 * member has one type, unknown members are refused at every level, and
 * JSON duplicates are refused by json_parse_strict().
 */

#define DOC "build.json"

/*
 * Variables the worker sets for every build (DESIGN: normalized
 * environment; the network recorder's proxy). A recipe cannot change them.
 */
static const char *const controlled_env[] = {
	"SOURCE_DATE_EPOCH", "TZ", "LC_ALL", "HOME", "TMPDIR", "PWD",
	"http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY", "NO_PROXY",
	"SSL_CERT_FILE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "CARGO_HTTP_CAINFO",
	"REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
	NULL
};

int
buildcfg_env_controlled(const char *name)
{
	size_t i;

	if (strncmp(name, "TEEC_", 5) == 0)
		return 1;
	for (i = 0; controlled_env[i] != NULL; i++)
		if (strcmp(name, controlled_env[i]) == 0)
			return 1;
	return 0;
}

void
buildcfg_free(struct buildcfg *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->language);
	free(c->cmd);
	if (c->env != NULL)
		for (i = 0; i < c->nenv; i++) {
			free(c->env[i].name);
			free(c->env[i].value);
		}
	free(c->env);
	if (c->files != NULL)
		for (i = 0; i < c->nfiles; i++)
			free(c->files[i]);
	free(c->files);
	free(c->raw);
	policy_free(&c->net);
	memset(c, 0, sizeof(*c));
}

static int
copy_str(char **dst, const char *s, struct teec_err *err)
{
	if ((*dst = strdup(s)) == NULL)
		return teec_errf(err, TEEC_ERROR, DOC ": out of memory");
	return TEEC_OK;
}

/* language: [a-z0-9][a-z0-9._+-]*, so it is never "." or "..". */
static int
parse_language(const cJSON *root, struct buildcfg *c, struct teec_err *err)
{
	const char *s;
	size_t i;
	int rc;

	if ((rc = json_get_string(root, DOC, "", "language", 0,
	    TEEC_MAX_LANGUAGE, &s, err)) != TEEC_OK)
		return rc;
	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i > 0 && strchr("._+-", s[i]) != NULL)
			continue;
		return teec_errf(err, TEEC_FAIL, DOC ": language: expected "
		    "lower-case letters, digits and . _ + - (not first)");
	}
	return copy_str(&c->language, s, err);
}

static int
env_name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    s[i] == '_')
			continue;
		if (i > 0 && s[i] >= '0' && s[i] <= '9')
			continue;
		return 0;
	}
	return i > 0;
}

static int
parse_env(const cJSON *env, struct buildcfg *c, struct teec_err *err)
{
	const cJSON *v;
	const char *s;
	char safe[300], path[400];
	size_t n = 0;
	int rc;

	for (v = env->child; v != NULL; v = v->next)
		if (++n > TEEC_MAX_ENV_VARS)
			return teec_errf(err, TEEC_FAIL, DOC ": input.env: more "
			    "than %u variables", TEEC_MAX_ENV_VARS);
	if (n == 0)
		return TEEC_OK;
	if ((c->env = calloc(n, sizeof(*c->env))) == NULL)
		return teec_errf(err, TEEC_ERROR, DOC ": out of memory");
	for (v = env->child; v != NULL; v = v->next) {
		json_safe_text(safe, sizeof(safe), v->string);
		snprintf(path, sizeof(path), "input.env.%s", safe);
		if (strlen(v->string) > TEEC_MAX_ENV_NAME)
			return teec_errf(err, TEEC_FAIL, DOC ": %s: variable "
			    "name longer than %u bytes", path, TEEC_MAX_ENV_NAME);
		if (!env_name_ok(v->string))
			return teec_errf(err, TEEC_FAIL, DOC ": %s: invalid "
			    "variable name (expected [A-Za-z_][A-Za-z0-9_]*)",
			    path);
		if (buildcfg_env_controlled(v->string))
			return teec_errf(err, TEEC_FAIL, DOC ": %s: set by the "
			    "worker for every build, cannot be overridden", path);
		if ((rc = json_want_string(v, DOC, path, JSON_EMPTY_OK,
		    TEEC_MAX_ENV_VALUE, &s, err)) != TEEC_OK)
			return rc;
		if ((rc = copy_str(&c->env[c->nenv].name, v->string, err)) !=
		    TEEC_OK)
			return rc;
		if ((rc = copy_str(&c->env[c->nenv].value, s, err)) != TEEC_OK) {
			c->nenv++;	/* so that buildcfg_free() frees the name */
			return rc;
		}
		c->nenv++;
	}
	return TEEC_OK;
}

static int
parse_input(const cJSON *root, struct buildcfg *c, struct teec_err *err)
{
	static const char *const keys[] = { "cmd", "env", NULL };
	const cJSON *in, *env;
	const char *s;
	int rc;

	if ((rc = json_get_object(root, DOC, "", "input", 0, &in, err)) !=
	    TEEC_OK)
		return rc;
	if ((rc = json_only_keys(in, keys, DOC, "input", err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(in, DOC, "input", "cmd", 0,
	    TEEC_MAX_CMD_BYTES, &s, err)) != TEEC_OK)
		return rc;
	if ((rc = copy_str(&c->cmd, s, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_object(in, DOC, "input", "env", JSON_OPTIONAL, &env,
	    err)) != TEEC_OK)
		return rc;
	if (env != NULL)
		return parse_env(env, c, err);
	return TEEC_OK;
}

/*
 * One output path or glob(7) pattern, relative to the build directory:
 * no leading '/', no empty, "." or ".." component, and no component that
 * as a pattern matches "." or ".." (".*", ".?"): a match must name a file
 * inside the build directory. Backslashes are refused because glob(7)
 * reads them as escapes while they are ordinary bytes in POSIX names, so
 * their meaning would be unclear; control characters are refused so the
 * names in the report can be shown as they are.
 */
static const char *
pattern_problem(const char *s)
{
	char comp[TEEC_MAX_OUTPUT_PATTERN + 1];
	const char *p, *slash;
	size_t len, i;

	if (s[0] == '/')
		return "absolute path not allowed";
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\\')
			return "backslash not allowed";
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "control character not allowed";
	}
	for (p = s;; p = slash + 1) {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len == 0)
			return "empty path component not allowed";
		if (len >= sizeof(comp))
			return "path component too long";
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (strcmp(comp, ".") == 0)
			return "'.' component not allowed";
		if (strcmp(comp, "..") == 0)
			return "'..' component not allowed";
		if (fnmatch(comp, ".", FNM_PERIOD) == 0 ||
		    fnmatch(comp, "..", FNM_PERIOD) == 0)
			return "component matches '.' or '..'";
		if (slash == NULL)
			break;
	}
	return NULL;
}

static int
parse_output(const cJSON *root, struct buildcfg *c, struct teec_err *err)
{
	static const char *const keys[] = { "files", NULL };
	const cJSON *out, *files, *v;
	const char *s, *why;
	char path[64];
	size_t n, i, j;
	int rc;

	if ((rc = json_get_object(root, DOC, "", "output", 0, &out, err)) !=
	    TEEC_OK)
		return rc;
	if ((rc = json_only_keys(out, keys, DOC, "output", err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_array(out, DOC, "output", "files", 0,
	    TEEC_MAX_OUTPUT_PATTERNS, &files, &n, err)) != TEEC_OK)
		return rc;
	if ((c->files = calloc(n, sizeof(*c->files))) == NULL)
		return teec_errf(err, TEEC_ERROR, DOC ": out of memory");
	for (i = 0, v = files->child; v != NULL; v = v->next, i++) {
		snprintf(path, sizeof(path), "output.files[%zu]", i);
		if ((rc = json_want_string(v, DOC, path, 0,
		    TEEC_MAX_OUTPUT_PATTERN, &s, err)) != TEEC_OK)
			return rc;
		if ((why = pattern_problem(s)) != NULL)
			return teec_errf(err, TEEC_FAIL, DOC ": %s: %s", path,
			    why);
		for (j = 0; j < c->nfiles; j++)
			if (strcmp(c->files[j], s) == 0)
				return teec_errf(err, TEEC_FAIL, DOC ": %s: "
				    "duplicate of output.files[%zu]", path, j);
		if ((rc = copy_str(&c->files[c->nfiles], s, err)) != TEEC_OK)
			return rc;
		c->nfiles++;
	}
	return TEEC_OK;
}

/*
 * network: {"allow": [ENTRY, ...]} (common/policy.h). An empty list is a
 * policy that allows nothing: every attempt is refused and recorded.
 */
static int
parse_network(const cJSON *root, struct buildcfg *c, struct teec_err *err)
{
	static const char *const keys[] = { "allow", NULL };
	const cJSON *net, *allow, *v;
	const char *s, *why;
	char path[64];
	size_t n, i, dup;
	int rc;

	if ((rc = json_get_object(root, DOC, "", "network", JSON_OPTIONAL, &net,
	    err)) != TEEC_OK)
		return rc;
	if (net == NULL)
		return TEEC_OK;
	c->has_network = 1;
	if ((rc = json_only_keys(net, keys, DOC, "network", err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_array(net, DOC, "network", "allow", JSON_EMPTY_OK,
	    TEEC_MAX_NET_ALLOW, &allow, &n, err)) != TEEC_OK)
		return rc;
	for (i = 0, v = allow->child; v != NULL; v = v->next, i++) {
		snprintf(path, sizeof(path), "network.allow[%zu]", i);
		if ((rc = json_want_string(v, DOC, path, 0, TEEC_MAX_HOSTNAME + 6,
		    &s, err)) != TEEC_OK)
			return rc;
		rc = policy_add(&c->net, s, &dup, &why);
		if (rc == TEEC_OK)
			continue;
		if (dup != (size_t)-1)
			return teec_errf(err, TEEC_FAIL, DOC ": %s: duplicate of "
			    "network.allow[%zu]", path, dup);
		return teec_errf(err, rc, DOC ": %s: %s", path, why);
	}
	return TEEC_OK;
}

int
buildcfg_parse(const uint8_t *p, size_t n, struct buildcfg *c,
    struct teec_err *err)
{
	static const char *const keys[] = {
		"language", "input", "output", "timeout", "network", NULL
	};
	cJSON *root = NULL;
	int64_t timeout = TEEC_TIMEOUT_DEFAULT;
	int rc;

	memset(c, 0, sizeof(*c));
	if (n > TEEC_MAX_BUILD_JSON_BYTES) {
		rc = teec_errf(err, TEEC_ERROR, DOC ": larger than %u bytes",
		    TEEC_MAX_BUILD_JSON_BYTES);
		goto out;
	}
	if ((rc = json_parse_strict(DOC, p, n, TEEC_MAX_JSON_DEPTH, &root,
	    err)) != TEEC_OK)
		goto out;
	if ((rc = json_want_object(root, DOC, "", err)) != TEEC_OK)
		goto out;
	if ((rc = json_only_keys(root, keys, DOC, "", err)) != TEEC_OK)
		goto out;
	if ((rc = parse_language(root, c, err)) != TEEC_OK)
		goto out;
	if ((rc = parse_input(root, c, err)) != TEEC_OK)
		goto out;
	if ((rc = parse_output(root, c, err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_int(root, DOC, "", "timeout", JSON_OPTIONAL,
	    TEEC_TIMEOUT_MIN, TEEC_TIMEOUT_MAX, &timeout, err)) != TEEC_OK)
		goto out;
	c->timeout = (unsigned int)timeout;
	if ((rc = parse_network(root, c, err)) != TEEC_OK)
		goto out;
	if ((c->raw = malloc(n)) == NULL) {
		rc = teec_errf(err, TEEC_ERROR, DOC ": out of memory");
		goto out;
	}
	memcpy(c->raw, p, n);
	c->rawlen = n;
	rc = TEEC_OK;
out:
	cJSON_Delete(root);
	if (rc != TEEC_OK) {
		/* Every invalid build.json is a usage error (exit 2). */
		rc = TEEC_ERROR;
		buildcfg_free(c);
	}
	return rc;
}
