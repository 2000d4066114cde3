//! SQL fragments that do not stop diesel from preparing the query they are part of.
//!
//! `diesel::dsl::sql` marks every query that contains it unsafe to cache, because its text
//! could be anything: such a query is sent unnamed and parsed and planned by the database on
//! every execution. Catalogue search is one such query (its full-text match, keyset cursor and
//! latest-image column have no diesel DSL), and on Postgres planning it took longer than
//! running it (1 ms against 0.85 ms in `EXPLAIN ANALYZE`).
//!
//! A [`Fixed`] fragment is built like `sql(..).bind(..).sql(..)`, but only from `&'static str`
//! pieces and bound values, so its text is the same at every execution of a call site. diesel
//! then keys its per-connection statement cache on the whole query's SQL and bind types, and a
//! boxed query made of such fragments runs as a prepared statement (`__diesel_stmt_N`). The
//! number of distinct statements is the number of query shapes the code can build.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, AsExpression, Expression, SelectableExpression, TypedExpressionType, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;

enum Piece<DB: Backend> {
    Sql(&'static str),
    Bind(Box<dyn QueryFragment<DB> + Send>),
}

/// An SQL expression of type `ST` from static text and typed binds; see the module docs.
pub struct Fixed<DB: Backend, ST> {
    pieces: Vec<Piece<DB>>,
    sql_type: PhantomData<fn() -> ST>,
}

/// Starts a [`Fixed`] fragment of SQL type `ST` with `sql`.
pub fn fixed<DB: Backend, ST>(sql: &'static str) -> Fixed<DB, ST> {
    Fixed { pieces: vec![Piece::Sql(sql)], sql_type: PhantomData }
}

impl<DB: Backend, ST> Fixed<DB, ST> {
    /// Appends `value` as a bind parameter of SQL type `BT`.
    pub fn bind<BT, V>(mut self, value: V) -> Self
    where
        V: AsExpression<BT>,
        BT: diesel::sql_types::SqlType + TypedExpressionType,
        V::Expression: QueryFragment<DB> + Send + 'static,
    {
        self.pieces.push(Piece::Bind(Box::new(value.as_expression())));
        self
    }

    /// Appends more static SQL text.
    pub fn sql(mut self, sql: &'static str) -> Self {
        self.pieces.push(Piece::Sql(sql));
        self
    }
}

impl<DB: Backend, ST> std::fmt::Debug for Fixed<DB, ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text: Vec<&str> = self
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Sql(s) => *s,
                Piece::Bind(_) => "?",
            })
            .collect();
        f.debug_tuple("Fixed").field(&text.concat()).finish()
    }
}

impl<DB: Backend, ST: TypedExpressionType> Expression for Fixed<DB, ST> {
    type SqlType = ST;
}

impl<DB: Backend, ST> QueryFragment<DB> for Fixed<DB, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // Unlike diesel's `SqlLiteral`, no `out.unsafe_to_cache_prepared()`: the text is static.
        for piece in &self.pieces {
            match piece {
                Piece::Sql(sql) => out.push_sql(sql),
                Piece::Bind(bind) => bind.walk_ast(out.reborrow())?,
            }
        }
        Ok(())
    }
}

/// Not known at compile time: diesel falls back to keying the statement cache on the SQL text.
impl<DB: Backend, ST: 'static> QueryId for Fixed<DB, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS, DB: Backend, ST: TypedExpressionType> AppearsOnTable<QS> for Fixed<DB, ST> {}

impl<QS, DB: Backend, ST: TypedExpressionType> SelectableExpression<QS> for Fixed<DB, ST> {}

impl<GB, DB: Backend, ST> ValidGrouping<GB> for Fixed<DB, ST> {
    type IsAggregate = is_aggregate::Never;
}
