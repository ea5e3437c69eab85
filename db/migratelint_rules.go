package db

// checker applies the migration check's rules to one file's statements, in
// order: a table created earlier in the same file is new, and what is done
// to it cannot hurt the release before, which does not know it.
type checker struct {
	file          string
	newTables     map[string]bool
	noTransaction bool
	problems      []MigrationProblem
}

func (c *checker) refuse(st sqlStatement, at sqlToken, rule string) {
	text := st.text
	if len(text) > 120 {
		text = text[:117] + "..."
	}
	c.problems = append(c.problems, MigrationProblem{File: c.file, Line: at.line, Rule: rule, Statement: text})
}

func (c *checker) statement(st sqlStatement) {
	t := st.tokens
	switch {
	case t[0].is("DROP"):
		c.refuse(st, t[0], RuleDrop)
	case len(t) > 2 && t[0].is("ALTER") && t[1].is("TABLE"):
		c.alterTable(st)
	case t[0].is("ALTER"):
		c.alterOther(st)
	case t[0].is("CREATE"):
		c.create(st)
	case t[0].is("REINDEX"):
		c.reindex(st)
	}
}

// create notes a new table and checks an index build.
func (c *checker) create(st sqlStatement) {
	t := st.tokens[1:]
	t = skipWords(t, "OR", "REPLACE", "GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED")
	switch {
	case len(t) > 1 && t[0].is("TABLE"):
		name, _ := qualifiedName(skipWords(t[1:], "IF", "NOT", "EXISTS"))
		c.newTables[name] = true
	case len(t) > 1 && (t[0].is("INDEX") || t[0].is("UNIQUE") && t[1].is("INDEX")):
		c.createIndex(st)
	}
}

func (c *checker) createIndex(st sqlStatement) {
	t := st.tokens
	concurrently := false
	for i, tok := range t {
		if tok.depth == 0 && tok.is("CONCURRENTLY") {
			concurrently = true
		}
		if tok.depth == 0 && tok.is("ON") {
			table, _ := qualifiedName(skipWords(t[i+1:], "ONLY"))
			switch {
			case concurrently && !c.noTransaction:
				c.refuse(st, t[0], RuleConcurrentlyInTx)
			case !concurrently && !c.newTables[table]:
				c.refuse(st, t[0], RuleIndex)
			}
			return
		}
	}
}

// reindex: REINDEX without CONCURRENTLY blocks the table's writes as a
// build does.
func (c *checker) reindex(st sqlStatement) {
	if hasWords(st.tokens, "CONCURRENTLY") {
		if !c.noTransaction {
			c.refuse(st, st.tokens[0], RuleConcurrentlyInTx)
		}
		return
	}
	c.refuse(st, st.tokens[0], RuleIndex)
}

// alterTable checks each action of ALTER TABLE name action, action ….
func (c *checker) alterTable(st sqlStatement) {
	t := skipWords(st.tokens[2:], "IF", "EXISTS", "ONLY")
	table, rest := qualifiedName(t)
	if len(rest) > 0 && rest[0].text == "*" {
		rest = rest[1:]
	}
	for _, a := range splitTopLevel(rest) {
		c.tableAction(st, table, a)
	}
}

func (c *checker) tableAction(st sqlStatement, table string, a []sqlToken) {
	existing := !c.newTables[table]
	switch {
	case a[0].is("DROP"):
		c.refuse(st, a[0], RuleDrop)
	case a[0].is("RENAME"):
		c.refuse(st, a[0], RuleRename)
	case len(a) > 1 && a[0].is("SET") && a[1].is("SCHEMA"):
		c.refuse(st, a[0], RuleRename)
	case a[0].is("ALTER") && existing:
		c.alterColumn(st, a)
	case a[0].is("ADD") && existing:
		c.add(st, a)
	}
}

// alterColumn: ALTER [COLUMN] name TYPE | SET DATA TYPE | SET NOT NULL | DROP ….
func (c *checker) alterColumn(st sqlStatement, a []sqlToken) {
	r := skipWords(a[1:], "COLUMN")
	if len(r) < 2 {
		return
	}
	r = r[1:] // the column's name
	switch {
	case r[0].is("TYPE") || len(r) > 2 && r[0].is("SET") && r[1].is("DATA") && r[2].is("TYPE"):
		c.refuse(st, r[0], RuleTypeChange)
	case len(r) > 2 && r[0].is("SET") && r[1].is("NOT") && r[2].is("NULL"):
		c.refuse(st, r[0], RuleNotNull)
	case len(r) > 2 && r[0].is("DROP") && r[1].is("NOT") && r[2].is("NULL"):
		// Relaxing a column breaks nothing the release before does.
	case r[0].is("DROP"):
		c.refuse(st, r[0], RuleDrop)
	}
}

// add: ADD [COLUMN] definition, or ADD [CONSTRAINT name] constraint.
func (c *checker) add(st sqlStatement, a []sqlToken) {
	r := a[1:]
	if len(r) > 1 && r[0].is("CONSTRAINT") {
		r = r[2:]
	}
	if len(r) == 0 {
		return
	}
	if r[0].is("PRIMARY") || r[0].is("UNIQUE") || r[0].is("EXCLUDE") {
		if !hasWords(r, "USING", "INDEX") {
			c.refuse(st, a[0], RuleIndex)
		}
		return
	}
	if r[0].is("CHECK") || r[0].is("FOREIGN") {
		return
	}
	// A column: its own constraints are its words outside parentheses.
	notNull := hasWords(r, "NOT", "NULL") || hasWords(r, "PRIMARY", "KEY")
	filled := hasWords(r, "DEFAULT") || hasWords(r, "GENERATED")
	if notNull && !filled {
		c.refuse(st, a[0], RuleNotNull)
	}
	if hasWords(r, "UNIQUE") || hasWords(r, "PRIMARY", "KEY") {
		c.refuse(st, a[0], RuleIndex)
	}
}

// alterOther: any other ALTER (index, type, view, function, domain …) that
// renames or drops.
func (c *checker) alterOther(st sqlStatement) {
	t := st.tokens
	for i, tok := range t {
		if tok.depth != 0 {
			continue
		}
		switch {
		case tok.is("RENAME"), tok.is("SET") && i+1 < len(t) && t[i+1].is("SCHEMA"):
			c.refuse(st, tok, RuleRename)
			return
		case tok.is("DROP") && !(i+2 < len(t) && t[i+1].is("NOT") && t[i+2].is("NULL")):
			c.refuse(st, tok, RuleDrop)
			return
		}
	}
}

// skipWords drops the leading tokens that are any of the keywords.
func skipWords(t []sqlToken, kws ...string) []sqlToken {
	for len(t) > 0 {
		skipped := false
		for _, kw := range kws {
			if t[0].is(kw) {
				t, skipped = t[1:], true
				break
			}
		}
		if !skipped {
			return t
		}
	}
	return t
}

// qualifiedName reads schema.name (public. dropped) and returns the rest.
func qualifiedName(t []sqlToken) (string, []sqlToken) {
	if len(t) == 0 {
		return "", t
	}
	name := t[0].name()
	t = t[1:]
	for len(t) > 1 && t[0].text == "." {
		name = t[1].name()
		t = t[2:]
	}
	return name, t
}

// hasWords reports whether the keywords occur in a row outside parentheses.
func hasWords(t []sqlToken, kws ...string) bool {
	for i := range t {
		if i+len(kws) > len(t) {
			return false
		}
		match := true
		for j, kw := range kws {
			if t[i+j].depth != t[0].depth || !t[i+j].is(kw) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// splitTopLevel splits at the commas outside parentheses.
func splitTopLevel(t []sqlToken) [][]sqlToken {
	var parts [][]sqlToken
	from := 0
	for i, tok := range t {
		if tok.depth == 0 && tok.text == "," && !tok.quoted && tok.upper == "," {
			if i > from {
				parts = append(parts, t[from:i])
			}
			from = i + 1
		}
	}
	if from < len(t) {
		parts = append(parts, t[from:])
	}
	return parts
}
