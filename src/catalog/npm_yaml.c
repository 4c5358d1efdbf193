/*
 * npm_yaml.c — the bounded YAML tree of npm_yaml.h, from libyaml's event
 * API (yaml_parser_parse).  Only the first document of a stream is read.
 */
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "catalog/npm_yaml.h"

/* Appends child to parent's children; tail[] tracks the last child. */
static void append_child(npm_yaml_node *parent, npm_yaml_node **tail, npm_yaml_node *child)
{
    if (*tail)
        (*tail)->next = child;
    else
        parent->first = child;
    *tail = child;
}

int npm_yaml_parse(vg_arena *arena, const unsigned char *data, size_t size, npm_yaml_node **root, char *why,
                   size_t whylen)
{
    *root = NULL;
    if (whylen)
        why[0] = '\0';
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return VG_ERR_NOMEM;
    yaml_parser_set_input_string(&parser, data, size);

    npm_yaml_node *stack[NPM_YAML_MAX_DEPTH + 1], *tails[NPM_YAML_MAX_DEPTH + 1];
    size_t depth = 0, nodes = 0;
    int rc = VG_OK, done = 0, in_document = 0;
    npm_yaml_node top = {.kind = NPM_YAML_SEQ};
    stack[0] = &top;
    tails[0] = NULL;
    while (!done && rc == VG_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            if (parser.error == YAML_MEMORY_ERROR) {
                rc = VG_ERR_NOMEM;
            } else {
                rc = VG_ERR_FORMAT;
                snprintf(why, whylen, "line %zu: %s", (size_t)parser.problem_mark.line + 1,
                         parser.problem ? parser.problem : "syntax error");
            }
            break;
        }
        npm_yaml_node *node = NULL;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT: in_document = 1; break;
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT: done = 1; break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (!in_document)
                break;
            if (++nodes > NPM_YAML_MAX_NODES) {
                rc = VG_ERR_LIMIT;
                snprintf(why, whylen, "more than %d YAML nodes", NPM_YAML_MAX_NODES);
                break;
            }
            node = vg_arena_alloc(arena, sizeof *node);
            if (!node) {
                rc = VG_ERR_NOMEM;
                break;
            }
            if (ev.type == YAML_SCALAR_EVENT) {
                node->kind = NPM_YAML_SCALAR;
                node->len = ev.data.scalar.length;
                node->text = vg_arena_strndup(arena, (const char *)ev.data.scalar.value, node->len);
                if (!node->text)
                    rc = VG_ERR_NOMEM;
            } else if (ev.type != YAML_ALIAS_EVENT) {
                node->kind = ev.type == YAML_MAPPING_START_EVENT ? NPM_YAML_MAP : NPM_YAML_SEQ;
            }
            append_child(stack[depth], &tails[depth], node);
            if (node->kind == NPM_YAML_MAP || node->kind == NPM_YAML_SEQ) {
                if (depth == NPM_YAML_MAX_DEPTH) {
                    rc = VG_ERR_LIMIT;
                    snprintf(why, whylen, "nested deeper than %d levels", NPM_YAML_MAX_DEPTH);
                    break;
                }
                depth++;
                stack[depth] = node;
                tails[depth] = NULL;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc == VG_OK)
        *root = top.first;
    return rc;
}

const char *npm_yaml_text(const npm_yaml_node *node)
{
    return node && node->kind == NPM_YAML_SCALAR ? node->text : NULL;
}

const npm_yaml_node *npm_yaml_get(const npm_yaml_node *map, const char *key)
{
    if (!map || map->kind != NPM_YAML_MAP)
        return NULL;
    size_t len = strlen(key);
    for (const npm_yaml_node *k = map->first; k && k->next; k = k->next->next)
        if (k->kind == NPM_YAML_SCALAR && k->len == len && memcmp(k->text, key, len) == 0)
            return k->next;
    return NULL;
}

const char *npm_yaml_get_text(const npm_yaml_node *map, const char *key)
{
    return npm_yaml_text(npm_yaml_get(map, key));
}

int npm_yaml_get_true(const npm_yaml_node *map, const char *key)
{
    const char *t = npm_yaml_get_text(map, key);
    return t && strcmp(t, "true") == 0;
}
